package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// mismatchBodyProbe reuses a key with a different, valid body. Control: the
// different body R' is sent first with a fresh key and must be processed, so a
// later rejection is attributable to the key reuse, not to an invalid body.
// Treatment: R with K, then R' with K, which must be rejected (4xx), create
// nothing, and never be answered with R's stored result.
//
// On a nested operation the control and R both have to be processed: R
// gets parents of its own (chain_round.go), so it never finds a balance
// or quota the control used up (one parent creation more).
type mismatchBodyProbe struct{}

func (mismatchBodyProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "mismatch-body",
		Title:    "key reused with a different body is rejected",
		Severity: Major,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with a different request payload is rejected with 422 Unprocessable Content",
		Fix:      "store a fingerprint of the request (method, path, canonical body) with the key and reject a reuse whose fingerprint differs",
	}
}

func (mismatchBodyProbe) Applies(op *openapi.Operation) string {
	if r := needsKey(op); r != "" {
		return r
	}
	switch {
	case op.AltBody == nil && op.AltSkip != "":
		return "no second valid body could be built for the operation: " + op.AltSkip
	case op.AltBody == nil:
		return "no second valid body could be built for the operation"
	case op.Request != nil && openapi.SameOnWire(op.Request.Body, op.AltBody):
		// A reuse the server cannot tell from a retry proves nothing about
		// how it matches bodies (a plan read from elsewhere, an override).
		return "the different body encodes to the same bytes as the original, so a reuse with it would be a plain retry"
	}
	return ""
}

func (mismatchBodyProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	alt := x.Op.AltBody

	control, err := x.Send(ctx, "control: different body, fresh key", x.Key(), alt)
	if err != nil {
		errorf(res, "control request: %v", err)
		return
	}
	if !control.is2xx() {
		if !control.refused() {
			x.notProcessed(res, "the control (different body, fresh key)", control)
			return
		}
		skip(res, fmt.Sprintf("the different body is not accepted even with a fresh key (status %d), so a rejection would prove nothing", control.Status))
		return
	}

	if err := x.freshParents(ctx); err != nil { // chain_round.go: nothing the control used up
		errorf(res, "%v", err)
		return
	}
	key := x.Key()
	first := x.sendProcessed(ctx, res, "first: original body", key, nil)
	if first == nil {
		return
	}

	var reuse *reply
	effect, observed, err := x.Measure(ctx, "reuse: different body, same key", func() error {
		var err error
		reuse, err = x.Send(ctx, "reuse: different body, same key", key, alt)
		return err
	})
	if err != nil {
		errorf(res, "reuse request: %v", err)
		return
	}
	switch {
	case reuse.throttled():
		errorf(res, "%s", throttledLine("the reuse", "the key", reuse))
	case reuse.is2xx() && diffReplies(first, reuse, x.ignoreFields) == "" && tellsApart(first, control, x.ignoreFields): // tells.go
		fail(res, fmt.Sprintf("the different body was answered with the first request's stored result (status %d), while the control with a fresh key was answered otherwise: the server ignores the body when matching keys", reuse.Status))
		res.Diffs = append(res.Diffs, "first vs the control with a fresh key (-first +control): what the different body gets when processed\n"+diffReplies(first, control, x.ignoreFields))
	case reuse.is2xx() && diffReplies(first, reuse, x.ignoreFields) == "":
		// R′ processed on its own is answered as R is (an empty 204, an
		// {"ok": true}): replayed or processed, it was accepted.
		fail(res, fmt.Sprintf("the different body was accepted (status %d) under a key already used; its answer is R's, which R′ also gets with a fresh key, so whether it was replayed or processed again the response cannot tell", reuse.Status))
	case reuse.is2xx() && resourceID(first) != "" && resourceID(reuse) == resourceID(first) && resourceID(control) != resourceID(first):
		// The stored result, rendered anew (a request id, a timestamp).
		fail(res, fmt.Sprintf("the different body was answered about the first request's resource %q (status %d): the server ignores the body when matching keys", resourceID(first), reuse.Status))
		res.Diffs = append(res.Diffs, "first vs reuse (-first +reuse):\n"+diffReplies(first, reuse, x.Env.IgnoreFields))
	case reuse.is2xx():
		fail(res, fmt.Sprintf("the different body was processed (status %d) under a key already used", reuse.Status))
		res.Diffs = append(res.Diffs, "first vs reuse (-first +reuse):\n"+diffReplies(first, reuse, x.ignoreFields))
	case observed && effect != 0:
		fail(res, fmt.Sprintf("the reuse was answered %d but still added %d side effect(s)", reuse.Status, effect))
	case !reuse.refused():
		fail(res, fmt.Sprintf("the reuse got %d; a key reused with a different body must be refused with a 4xx (%s under profile %s)", reuse.Status, statusList(x.Profile().ReuseStatuses), x.Profile().Name))
	case !x.Profile().acceptsReuse(reuse.Status): // profile.go: 422, 400 or 409 by provider
		// Safe: refused, nothing done, nothing of R's returned. Only the
		// status is not the one the profile documents.
		nonconformant(res, fmt.Sprintf("the reuse was refused safely with %d%s, but profile %s expects %s", reuse.Status, rejectNote(observed), x.Profile().Name, statusList(x.Profile().ReuseStatuses)))
	default:
		pass(res, fmt.Sprintf("the reuse was rejected with %d%s", reuse.Status, rejectNote(observed)))
	}
}

// rejectNote says what a rejection verdict rests on.
func rejectNote(observed bool) string {
	if !observed {
		return " (side effects not observed: judged on the response only)"
	}
	return " and added no side effect"
}
