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
// it was not, it sets res to an error and returns nil. The request is
// measured like measureProcessed's: a later step's effect is judged only
// against an observer this request showed to see the operation's effects.
func (x *Experiment) sendProcessed(ctx context.Context, res *Result, label, key string, body *openapi.Body) *reply {
	r, _, _, _ := x.measureProcessedBody(ctx, res, label, key, body)
	return r
}

// measureProcessed is sendProcessed between two snapshots: it also returns
// the side effect of one processed request, which the other steps of the
// experiment are held to, and whether an observer measured it.
//
// A processed request that shows no effect at all means the observer does
// not show this operation's effects in time (observe_settle.go): observed is
// then false, the experiment is unobserved from then on (Measure returns
// observed=false for every later step), and the result says why. So a
// probe never passes on "+0 like the control" when the control's +0 proves
// nothing, and never fails on an item that arrived late.
func (x *Experiment) measureProcessed(ctx context.Context, res *Result, label, key string) (r *reply, effect int, observed, ok bool) {
	return x.measureProcessedBody(ctx, res, label, key, nil)
}

func (x *Experiment) measureProcessedBody(ctx context.Context, res *Result, label, key string, body *openapi.Body) (r *reply, effect int, observed, ok bool) {
	effect, observed, err := x.Measure(ctx, label, func() error {
		var err error
		r, err = x.Send(ctx, label, key, body)
		return err
	})
	if err != nil {
		errorf(res, "%s: %v", label, err)
		return nil, 0, false, false
	}
	if !r.is2xx() {
		x.notProcessed(res, label, r)
		return nil, 0, false, false
	}
	if observed && !x.judgeControl(label, r.Status, effect) { // observe_settle.go
		observed = false
	}
	return r, effect, observed, true
}
