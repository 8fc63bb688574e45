package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// errorReplayProbe retries a request that failed with a business error (a
// 4xx once execution started: a declined card), unchanged, with the same
// key. The error request is the operation's ErrorBody (the document's
// x-idemcheck-error-body, a paired named example, or the configuration).
//
// Control: the error request with a fresh key fails with a 4xx, so the error
// is a property of the request and not of the moment. Treatment: the error
// request with K, then again with K. The retry must not be a second outcome:
// never a 2xx or a 5xx after the 4xx; and when the profile stores errors
// (ietf, stripe), it must be the stored error itself, byte for byte.
type errorReplayProbe struct{}

// Meta words the rule and the fix by whether the profile stores errors.
func (errorReplayProbe) Meta(prof *Profile) Meta {
	prof = orDefault(prof)
	m := Meta{
		ID:       "error-replay",
		Title:    "a retried business error is not processed differently",
		Severity: Minor,
	}
	if prof.StoresErrors {
		m.Rule = fmt.Sprintf("draft-ietf-httpapi-idempotency-key-header §2.6 and %s (profile %s): the result of the first request, error or success, is stored once execution began and returned for every retry (validation failures, 400, are not stored)", prof.Source, prof.Name)
		m.Fix = "store the response of a request that failed in business logic under its key, like a success, and replay it; release the key only for validation failures (400) and server errors (5xx)"
	} else {
		m.Rule = fmt.Sprintf("%s (profile %s): errors need not be stored, but a retry that changes nothing must not turn a refused request into an accepted one", prof.Source, prof.Name)
		m.Fix = "store business errors under the key (or make the retried decision deterministic), so that an unchanged retry cannot produce a second outcome"
	}
	return m
}

func (errorReplayProbe) Applies(op *openapi.Operation) string {
	if r := needsKey(op); r != "" {
		return r
	}
	if op.ErrorBody == nil {
		return "no request known to fail with a business error: add " + openapi.ErrorBodyExtension + " to the operation, or pair a named request example with a 4xx response example"
	}
	return ""
}

func (errorReplayProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	prof := x.Profile()
	body := x.Op.ErrorBody

	control, err := x.Send(ctx, "control: error request, fresh key", x.Key(), body)
	if err != nil {
		errorf(res, "control request: %v", err)
		return
	}
	if control.throttled() || control.Status >= 500 {
		x.notProcessed(res, "the control (error request, fresh key)", control)
		return
	}
	if !control.refused() {
		skip(res, fmt.Sprintf("the error request does not fail with a 4xx (status %d), so there is no error to replay; check %s", control.Status, openapi.ErrorBodyExtension))
		return
	}

	key := x.Key()
	first, err := x.Send(ctx, "first: error request with K", key, body)
	if err != nil {
		errorf(res, "first request: %v", err)
		return
	}
	if first.throttled() {
		x.notProcessed(res, "the first error request", first)
		return
	}
	if !first.refused() {
		skip(res, fmt.Sprintf("the error request failed with a fresh key (%d) but not the second time (%d): the error is not reproducible, so a retry proves nothing", control.Status, first.Status))
		return
	}
	var retry *reply
	effect, observed, err := x.Measure(ctx, "retry: error request with K, unchanged", func() error {
		var err error
		retry, err = x.Send(ctx, "retry: unchanged, same key K", key, body)
		return err
	})
	if err != nil {
		errorf(res, "retry: %v", err)
		return
	}

	d := diffReplies(first, retry, x.ignoreFields)
	validation := first.Status == 400
	// A stored error that comes back other than byte for byte is this
	// probe's finding only if the server replays successes faithfully: when
	// an ordinary retry is not its stored result either (every reuse
	// refused, or replays re-rendered), that is replay's defect (a note).
	var note string
	if prof.StoresErrors && !validation && d != "" && retry.refused() && (!observed || effect == 0) {
		plain := &ordinaryReplay{x: x} // ordinary_replay.go
		if note = plain.refusesRetries(ctx, retry.Status); note == "" && retry.Status == first.Status {
			note = plain.rendersDifferently(ctx)
		}
	}
	switch {
	case retry.throttled():
		errorf(res, "%s", throttledLine("the retry", "the stored error", retry))
	case retry.is2xx():
		fail(res, fmt.Sprintf("the first request failed with %d and its unchanged retry with the same key was processed (%d): a second outcome for one key", first.Status, retry.Status))
		res.Diffs = append(res.Diffs, "first vs retry (-first +retry):\n"+d)
	case retry.Status >= 500:
		fail(res, fmt.Sprintf("the first request failed with %d and its unchanged retry got a server error (%d)", first.Status, retry.Status))
	case observed && effect != 0:
		fail(res, fmt.Sprintf("the retry of a failed request (%d → %d) added %d side effect(s)", first.Status, retry.Status, effect))
	case prof.StoresErrors && !validation && d != "" && note == "":
		fail(res, fmt.Sprintf("the stored error (%d) was not replayed: the retry got %d with a different response; profile %s stores business errors", first.Status, retry.Status, prof.Name))
		res.Diffs = append(res.Diffs, "first vs retry (-first +retry):\n"+d)
	case note != "" || retry.Status != first.Status:
		pass(res, fmt.Sprintf("the retry of a failed request (%d) was refused again (%d), not processed", first.Status, retry.Status))
	case d == "":
		pass(res, fmt.Sprintf("the retry got the stored error (%d, identical response)%s", retry.Status, markerNote(prof, retry)))
	default:
		pass(res, fmt.Sprintf("the retry failed again with %d (profile %s does not require the error to be stored)", retry.Status, prof.Name))
	}
	if note != "" && res.Verdict == Pass {
		res.Reason += "; note: " + note
	}
}

// markerNote says whether a replayed error was marked as a replay.
func markerNote(p *Profile, r *reply) string {
	if name, v := p.replayMarker(r); name != "" {
		return fmt.Sprintf(", marked %s: %s", name, v)
	}
	return ""
}
