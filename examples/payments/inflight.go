package payments

import (
	"context"
	"time"
)

// InFlight is how the server answers a duplicate that arrives while the
// first request with its key is still being processed. Both behaviours are
// correct per draft-ietf-httpapi-idempotency-key-header: neither processes
// the duplicate.
type InFlight string

const (
	// InFlightConflict answers 409 Conflict with Retry-After (the default).
	InFlightConflict InFlight = ""
	// InFlightWait holds the duplicate until the first request finishes,
	// then answers it with the first's stored result (or processes it, if
	// the first failed and released the key). After MaxInFlightWait it
	// gives up and answers 409.
	InFlightWait InFlight = "wait"
)

// MaxInFlightWait bounds how long InFlightWait holds a duplicate.
const MaxInFlightWait = 5 * time.Second

// inFlightPoll is how often a waiting duplicate looks at the key again.
const inFlightPoll = time.Millisecond

// await waits until the key of scope is no longer in flight, then classifies
// the request again, exactly as begin does (so a released key is reserved
// for this request). It returns inFlight when max passes or ctx ends first.
func (s *keyStore) await(ctx context.Context, scope, fingerprint string, max time.Duration) (*keyEntry, outcome) {
	deadline := time.Now().Add(max)
	tick := time.NewTicker(inFlightPoll)
	defer tick.Stop()
	for {
		e, o := s.begin(scope, fingerprint)
		if o != inFlight || !time.Now().Before(deadline) {
			return e, o
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return e, o
		}
	}
}
