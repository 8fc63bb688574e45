package probes

import (
	"context"

	"github.com/idemcheck/idemcheck/openapi"
)

// Every experiment stands on a request that the server processes: the
// control with a fresh key, or the first request whose retries are judged.
// If that request is refused, the request itself is wrong (credentials, a
// body the server rejects) and nothing about idempotency can be concluded,
// so the result is an error that tells the user what to fix — never a pass.

// sendProcessed sends op's request with key (and body, nil for the planned
// one) under label and returns the reply when it was processed (2xx). When
// it was not, it sets res to an error and returns nil.
func (x *Experiment) sendProcessed(ctx context.Context, res *Result, label, key string, body *openapi.Body) *reply {
	r, err := x.Send(ctx, label, key, body)
	if err != nil {
		errorf(res, "%s: %v", label, err)
		return nil
	}
	if !r.is2xx() {
		notProcessed(res, label, r.Status)
		return nil
	}
	return r
}

// measureProcessed is sendProcessed between two snapshots: it also returns
// the side effect of one processed request, which the other steps of the
// experiment are held to, and whether an observer measured it.
func (x *Experiment) measureProcessed(ctx context.Context, res *Result, label, key string) (r *reply, effect int, observed, ok bool) {
	effect, observed, err := x.Measure(ctx, label, func() error {
		var err error
		r, err = x.Send(ctx, label, key, nil)
		return err
	})
	if err != nil {
		errorf(res, "%s: %v", label, err)
		return nil, 0, false, false
	}
	if !r.is2xx() {
		notProcessed(res, label, r.Status)
		return nil, 0, false, false
	}
	return r, effect, observed, true
}

// notProcessed is the error verdict for a refused control or first request.
func notProcessed(res *Result, label string, status int) {
	errorf(res, "%s was not processed (status %d), so the experiment proves nothing; fix the request (-H, --config) first", label, status)
}
