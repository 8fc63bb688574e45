package probes

import (
	"context"
	"net/http"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// lastByteReleaser is the HTTP/1.1 synchronized release (wire.ReleaseLastByte):
// one pre-opened connection per copy, every request written but its final
// byte, then all final bytes written back to back from one locked thread.
type lastByteReleaser struct{}

func (lastByteReleaser) mode() RaceMode { return RaceLastByte }

func (lastByteReleaser) release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	v := newVolley(RaceLastByte, len(reqs))
	payloads := requestBodies(reqs)
	v.recordOutcomes(x, label, reqs, payloads, wire.ReleaseLastByte(ctx, wireConfig(x.run), reqs))
	return v
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
