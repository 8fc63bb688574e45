package probes

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// h2Releaser is the HTTP/2 single-packet release (wire.ReleaseH2): every
// copy on one connection, all but the final DATA frames first, then every
// final frame in one write.
type h2Releaser struct{}

func (h2Releaser) mode() RaceMode { return RaceH2 }

func (h2Releaser) release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	v := newVolley(RaceH2, len(reqs))
	payloads := requestBodies(reqs)
	rel := wire.ReleaseH2(ctx, wireConfig(x.run), reqs)
	v.recordOutcomes(x, label, reqs, payloads, rel.Outcomes)
	if len(rel.Batches) > 1 {
		sizes := make([]string, len(rel.Batches))
		for i, k := range rel.Batches {
			sizes[i] = strconv.Itoa(k)
		}
		v.note = fmt.Sprintf("the server allows %d concurrent HTTP/2 streams, so the %d copies went in batches of %s, each released in its own write",
			rel.StreamLimit, len(reqs), strings.Join(sizes, "+"))
	}
	return v
}
