package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// missingKeyProbe sends R without its required key. Control: R with a fresh
// key is processed, so a rejection is attributable to the missing key.
// Treatment: R without a key must get a 4xx (400) and create nothing.
//
// On a nested operation R without a key goes to parents of its own
// (chain_round.go, one parent creation more): on the control's, a server
// that processes keyless requests could refuse it for a balance or quota
// the control used up, and that 4xx would pass for the key's.
type missingKeyProbe struct{}

func (missingKeyProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "missing-key",
		Title:    "request without the required key is rejected",
		Severity: Major,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.7: a request without the key, on a resource that requires one, is rejected with 400 Bad Request",
		Fix:      "reject requests that lack the idempotency key with 400 before processing them",
	}
}

func (missingKeyProbe) Applies(op *openapi.Operation) string {
	if r := needsKey(op); r != "" {
		return r
	}
	if !op.Key.Required {
		return "the document declares the key optional"
	}
	return ""
}

func (missingKeyProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	if x.sendProcessed(ctx, res, "control: with a fresh key", x.Key(), nil) == nil {
		return
	}

	if err := x.freshParents(ctx); err != nil { // chain_round.go
		errorf(res, "%v", err)
		return
	}
	var bare *reply
	effect, observed, err := x.Measure(ctx, "request without a key", func() error {
		var err error
		bare, err = x.Send(ctx, "without a key", "", nil)
		return err
	})
	if err != nil {
		errorf(res, "request without a key: %v", err)
		return
	}
	switch {
	case bare.throttled():
		errorf(res, "%s", throttledLine("the request without a key", "the key", bare))
	case bare.is2xx():
		fail(res, fmt.Sprintf("the request without a key was processed (status %d)", bare.Status))
	case !bare.is4xx():
		fail(res, fmt.Sprintf("the request without a key got %d; it must be rejected with a 4xx (400)", bare.Status))
	case observed && effect != 0:
		fail(res, fmt.Sprintf("the request without a key was rejected (%d) but still added %d side effect(s)", bare.Status, effect))
	default:
		pass(res, fmt.Sprintf("the request without a key was rejected with %d%s", bare.Status, rejectNote(observed)))
	}
}
