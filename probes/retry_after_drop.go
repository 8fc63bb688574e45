package probes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// retryAfterDropProbe is the scenario idempotency keys exist for: a client
// sends R with key K, loses the connection before it reads the answer, and
// retries with K. Control: one normal request with a fresh key measures a
// single request's side effect. Treatment, twice — the connection closed (a)
// as soon as the request is written and (b) dropDelay later, while the
// server is likely still processing — then, once the server has settled,
// retries with K: the drop and its retries together must add exactly the
// control's side effect, and a second retry must return what the first did
// (the one stored result).
//
// On a nested operation each drop goes to parents of its own
// (chain_round.go, two parent creations more): the control and the first
// drop are processed, and a later drop on their parent could be refused
// for a balance or quota they used up, which would read as a key the drop
// left unusable.
type retryAfterDropProbe struct{}

// Timing of the probe. The settle bounds only cost time on servers that
// abandon a dropped request; a correct server that kept processing answers
// the first retry at once.
const (
	// dropDelay is how long mode (b) keeps the connection open after writing.
	dropDelay = 50 * time.Millisecond
	// The wait for the dropped request's side effect to show before
	// retrying, so the retry follows the dropped request as a real client's
	// would instead of racing it (that is concurrent's job), is
	// dropEffectFactor times the control's duration, within these bounds.
	dropEffectFactor  = 20
	dropEffectWaitMin = 250 * time.Millisecond
	dropEffectWaitMax = 2 * time.Second
	// conflictPoll is the first pause between retries answered in flight
	// (409, or the profile's in-flight statuses) while the dropped request
	// is still being processed; it doubles up to conflictPollMax.
	conflictPoll    = 25 * time.Millisecond
	conflictPollMax = 400 * time.Millisecond
)

func (retryAfterDropProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "retry-after-drop",
		Title:    "retry after a dropped connection is processed once",
		Severity: Critical,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.6 (and Stripe, Adyen, PayPal): a client that lost the response retries with the same key and gets the stored result; the request is processed once",
		Fix:      "finish processing and store the result under the key even when the client has disconnected (do not tie the write to the request's context); if processing is abandoned, roll its side effects back before releasing the key",
	}
}

func (retryAfterDropProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

// dropMode is one way of losing the connection: name is short, for the
// verdict; label describes it in the evidence.
type dropMode struct {
	name, label string
	after       time.Duration
}

func (retryAfterDropProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	var one int
	var observed, ok bool
	plain := &ordinaryReplay{x: x, key: x.Key(), op: x.Op} // ordinary_replay.go
	took := timed(func() {
		plain.first, one, observed, ok = x.measureProcessed(ctx, res, "control: one request, fresh key", plain.key)
	})
	if !ok {
		return
	}

	delay := min(dropDelay, x.Env.Timeout/2)
	modes := []dropMode{
		{"drop at once", "dropped: connection closed right after the request was written", 0},
		{fmt.Sprintf("drop after %v", delay), fmt.Sprintf("dropped: connection closed %v after the request was written", delay), delay},
	}
	var problems, summaries, notes []string
	for _, m := range modes {
		if err := x.freshParents(ctx); err != nil { // chain_round.go
			errorf(res, "%s: %v", m.name, err)
			return
		}
		o, err := dropOnce(ctx, x, m, one, observed, min(max(dropEffectFactor*took, dropEffectWaitMin), dropEffectWaitMax), plain)
		if err != nil {
			errorf(res, "%s: %v", m.name, err)
			return
		}
		summaries = append(summaries, o.summary)
		if o.problem != "" {
			problems = append(problems, m.name+": "+o.problem)
		}
		for _, n := range o.notes {
			if !slices.Contains(notes, n) {
				notes = append(notes, n)
			}
		}
		if o.diff != "" {
			res.Diffs = append(res.Diffs, o.diff)
		}
	}
	res.Diffs = append(res.Diffs, "drops:\n  "+strings.Join(summaries, "\n  "))
	switch {
	case len(problems) > 0:
		fail(res, strings.Join(problems, "; "))
	case !observed || x.unobserved():
		pass(res, "after each drop the retries were answered alike and never processed again (side effects not observed: judged on responses only)")
	default:
		pass(res, fmt.Sprintf("after each drop the retries were answered alike and the drop with its retries added exactly one request's side effect (%+d)", one))
	}
	if len(notes) > 0 {
		res.Reason += "; note: " + strings.Join(notes, "; ")
	}
}

// dropOutcome is what one drop showed: what is wrong ("" when nothing), a
// one-line summary, and the go-cmp diff of the two retries when they differ.
type dropOutcome struct {
	problem, summary, diff string
	notes                  []string // symptoms that are another probe's (replay's) finding
}

// dropOnce drops R with a fresh key as m says, retries until the key has
// settled, retries again, and judges the outcome; an error means the
// experiment could not be carried out. A retry that is refused, or that
// differs from the other, the way an ordinary retry without any drop is
// (plain, asked only then) is replay's defect: a note, not a problem.
func dropOnce(ctx context.Context, x *Experiment, m dropMode, one int, observed bool, effectWait time.Duration, plain *ordinaryReplay) (dropOutcome, error) {
	key := x.Key()
	var first, second *reply
	var waited time.Duration
	effect, measured, err := x.Measure(ctx, m.name+", then retries", func() error {
		base, ok, err := x.countBefore() // observe.go: the count this step starts from
		if !ok {
			base, _, err = x.Snapshot(ctx)
		}
		if err != nil {
			return err
		}
		if err := x.SendDropped(ctx, m.label, key, m.after); err != nil {
			return err
		}
		if observed {
			if err := waitForEffect(ctx, x, base+one, effectWait); err != nil {
				return err
			}
		}
		start := time.Now()
		first, err = retryUntilSettled(ctx, x, key, x.Env.Timeout)
		waited = time.Since(start)
		if err != nil {
			return err
		}
		second, err = x.Send(ctx, "second retry", key, nil)
		return err
	})
	if err != nil {
		return dropOutcome{}, err
	}
	observed = observed && measured // an inferred observer may fail during the drop (observe.go)
	var o dropOutcome
	o.summary = fmt.Sprintf("%s: retry %d, second retry %d", m.name, first.Status, second.Status)
	if observed {
		o.summary += fmt.Sprintf(", side effect %+d (one request: %+d)", effect, one)
	}
	var problems []string
	prof := x.Profile()
	switch {
	case prof.acceptsInFlight(first.Status):
		problems = append(problems, fmt.Sprintf("the retries still got %d (in flight under the %s profile) for %v, longer than one request may take (--timeout): the dropped request left the key locked", first.Status, prof.Name, waited.Round(time.Millisecond)))
	case first.is2xx():
	case first.refused() && (!observed || effect == one):
		if note := plain.refusesRetries(ctx, first.Status); note != "" {
			o.notes = append(o.notes, fmt.Sprintf("the retry after the drop got %d; %s", first.Status, note))
			break
		}
		fallthrough
	default:
		problems = append(problems, fmt.Sprintf("the retry got %d, but the same request with a fresh key succeeds: the dropped request left the key unusable", first.Status))
	}
	if d := prof.replayDiff(first, second, x.ignoreFields); d != "" { // profile.go: PayPal replays the latest status
		o.diff = fmt.Sprintf("%s: first vs second retry (-first +second):\n%s", m.name, d)
		note := ""
		if isReplayOf(first, second) && (!observed || effect == one) {
			note = plain.rendersDifferently(ctx)
		}
		if note != "" {
			o.notes = append(o.notes, "the two retries differ in their body only; "+note)
		} else {
			problems = append(problems, fmt.Sprintf("the second retry differs from the first (status %d → %d): there is no single stored result", first.Status, second.Status))
		}
	}
	if observed && effect != one {
		problems = append(problems, fmt.Sprintf("the drop and its retries added %d side effect(s); one request adds %d", effect, one))
	}
	o.problem = strings.Join(problems, "; ")
	return o, nil
}

// waitForEffect polls the observer until its count reaches want (the
// dropped request was processed) or bound passes (it was abandoned, and the
// retry must process it). Either way the verdict comes from the retries.
func waitForEffect(ctx context.Context, x *Experiment, want int, bound time.Duration) error {
	deadline := time.Now().Add(bound)
	for pause := 10 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		n, ok, err := x.Snapshot(ctx)
		if err != nil || !ok || n >= want || time.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}

// retryUntilSettled retries R with key while the server answers that the
// dropped request is still in flight (the profile's in-flight statuses: 409
// for the draft, 422 or 409 for Adyen), for at most bound. It records the
// first and the last exchange, not every poll.
func retryUntilSettled(ctx context.Context, x *Experiment, key string, bound time.Duration) (*reply, error) {
	deadline := time.Now().Add(bound)
	pause := conflictPoll
	for try := 1; ; try++ {
		req, err := buildFor(x, x.Op, key, nil)
		if err != nil {
			return nil, err
		}
		r, ex, err := x.exchange(ctx, fmt.Sprintf("retry (attempt %d)", try), req)
		last := err != nil || !x.Profile().acceptsInFlight(r.Status) || time.Now().Add(pause).After(deadline)
		if try == 1 || last {
			x.record(ex)
		}
		if last {
			return r, err
		}
		if err := sleep(ctx, pause); err != nil {
			return nil, err
		}
		pause = min(2*pause, conflictPollMax)
	}
}
