package probes

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// concurrentProbe releases N copies of R with the same key at once, for
// several rounds with a fresh key each. Control: one request with its own key
// measures a single request's side effect. Treatment: each round must add
// exactly that effect, and every response must be the stored result or a 409.
type concurrentProbe struct{}

func (concurrentProbe) ID() string                           { return "concurrent" }
func (concurrentProbe) Title() string                        { return "concurrent copies with one key are processed once" }
func (concurrentProbe) Severity() Severity                   { return Critical }
func (concurrentProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

func (concurrentProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	res.Rule = "draft-ietf-httpapi-idempotency-key-header §2.6: a request whose key is in flight gets 409 Conflict (or waits for the stored result); it is never processed twice"
	res.Fix = "claim the key atomically (insert-if-absent under a lock or a unique constraint) before processing; answer later copies 409 until the result is stored"

	_, one, observed, ok := x.measureProcessed(ctx, res, "control: one request, fresh key", x.Key())
	if !ok {
		return
	}

	n, rounds := x.Env.Concurrency, x.Env.Rounds
	rel, why := releaserFor(ctx, x)
	mode := rel.mode()
	var failed, nonconforming, errored int
	var summaries, conformance, notes []string
	for round := 1; round <= rounds && ctx.Err() == nil; round++ {
		o, err := runRound(ctx, x, rel, round, n)
		if err != nil {
			errored++
			summaries = append(summaries, fmt.Sprintf("round %d (%s): %v", round, mode, err))
			continue
		}
		observed = observed && !x.unobserved()                   // an inferred observer may fail mid-run (observe.go)
		f := o.judge(x.ignoreFields, x.Profile(), observed, one) // concurrent_judge.go
		if observed && o.effect != one {
			f.safety = append(f.safety, fmt.Sprintf("the round added %d side effect(s); one request adds %d", o.effect, one))
		}
		summaries = append(summaries, o.summary(round))
		for _, note := range f.notes {
			if !slices.Contains(notes, note) {
				notes = append(notes, note)
			}
		}
		if len(f.conformance) > 0 {
			nonconforming++
			conformance = append(conformance, fmt.Sprintf("round %d: %s", round, strings.Join(f.conformance, "; ")))
		}
		if len(f.safety) > 0 {
			failed++
			res.Diffs = append(res.Diffs, fmt.Sprintf("round %d: %s", round, strings.Join(f.safety, "; ")))
			if failed == 1 { // one example diff is enough; the summary lists every round
				res.Diffs = append(res.Diffs, o.diffs...)
			}
		}
	}
	if failed == 0 && errored == 0 && ctx.Err() == nil { // concurrent_quick.go: more chances, cheaply
		q, err := runQuickRounds(ctx, x, rounds+1, n, one, observed)
		switch {
		case err != nil:
			errored++
			summaries = append(summaries, fmt.Sprintf("quick rounds (%s): %v", mode, err))
		default:
			rounds += q.ran
			summaries = append(summaries, q.summary)
			if len(q.problems) > 0 {
				failed++
				res.Diffs = append(res.Diffs, fmt.Sprintf("round %d: %s", q.failedAt, strings.Join(q.problems, "; ")))
				res.Diffs = append(res.Diffs, q.diffs...)
			}
		}
	}
	if why != "" {
		summaries = append([]string{"release: " + why}, summaries...)
	}
	res.Diffs = append(res.Diffs, conformance...)
	res.Diffs = append(res.Diffs, "rounds:\n  "+strings.Join(summaries, "\n  "))
	switch {
	case failed > 0:
		fail(res, fmt.Sprintf("the defect showed in %d of %d rounds of %d concurrent requests (%s release): %s", failed, rounds, n, mode, firstLine(res.Diffs[0])))
	case errored > 0:
		errorf(res, "%d of %d rounds could not be completed: %s", errored, rounds, firstRoundError(summaries))
	case nonconforming > 0:
		prof := x.Profile()
		nonconformant(res, fmt.Sprintf("every round was processed once%s, but in %d of %d rounds copies were refused with a status profile %s does not name for an in-flight duplicate (%s): %s",
			roundNote(observed, one), nonconforming, rounds, prof.Name, statusList(prof.InFlightStatuses), conformance[0]))
	default:
		pass(res, fmt.Sprintf("%d rounds of %d concurrent requests (%s release) were each processed once%s", rounds, n, mode, roundNote(observed, one)))
	}
	if len(notes) > 0 {
		res.Reason += "; note: " + strings.Join(notes, "; ")
	}
}

// roundNote says what a passing concurrent verdict rests on.
func roundNote(observed bool, one int) string {
	if !observed {
		return " (side effects not observed: judged on responses only)"
	}
	return fmt.Sprintf(": each round added exactly one request's side effect (%+d)", one)
}

// roundOutcome is what one round of concurrent copies produced.
type roundOutcome struct {
	replies []*reply
	settle  *reply // a sequential retry after the round: the stored result
	effect  int
	diffs   []string
	mode    RaceMode
	spread  time.Duration // client-side send spread of the copies
	note    string        // how the release departed from the plan
}

// runRound releases n copies with one fresh key through rel, then retries
// once to read the stored result, measuring the round's effect.
func runRound(ctx context.Context, x *Experiment, rel releaser, round, n int) (*roundOutcome, error) {
	key := x.Key()
	reqs, err := roundRequests(x, key, n)
	if err != nil {
		return nil, err
	}
	o := &roundOutcome{mode: rel.mode()}
	var v *volley
	effect, _, err := x.Measure(ctx, fmt.Sprintf("round %d: %d concurrent copies (%s)", round, n, rel.mode()), func() error {
		if err := x.Env.limit.wait(ctx, n); err != nil { // rate.go: the copies leave together
			return err
		}
		v = rel.release(ctx, x, fmt.Sprintf("round %d", round), reqs)
		o.replies, o.spread, o.note = v.replies, v.spread(), v.note
		var err error
		o.settle, err = x.Send(ctx, fmt.Sprintf("round %d: retry after the round", round), key, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	o.effect = effect
	keepDistinct(x, v.exchanges)
	for i, err := range v.errs {
		if err != nil {
			return nil, fmt.Errorf("copy %d: %w", i+1, err)
		}
	}
	return o, nil
}

// roundRequests builds n copies of the operation's request with key.
func roundRequests(x *Experiment, key string, n int) ([]*http.Request, error) {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		req, err := buildFor(x, x.Op, key, nil)
		if err != nil {
			return nil, err
		}
		reqs[i] = req
	}
	return reqs, nil
}

// summary is the round's line in the evidence: mode, send spread, statuses
// and side effect, e.g. "round 2 (h2, send spread 0s): 201×1 409×9, side effect +1".
func (o *roundOutcome) summary(round int) string {
	s := fmt.Sprintf("round %d (%s, send spread %s): %s, side effect %+d", round, o.mode, formatSpread(o.spread), o.statusCounts(), o.effect)
	if o.note != "" {
		s += "; " + o.note
	}
	return s
}

// firstRoundError is the first summary that is not the release line.
func firstRoundError(summaries []string) string {
	for _, s := range summaries {
		if !strings.HasPrefix(s, "release: ") {
			return s
		}
	}
	return ""
}

// statusCounts renders the round's statuses: "201×1 409×9".
func (o *roundOutcome) statusCounts() string {
	counts := map[int]int{}
	var order []int
	for _, r := range o.replies {
		if counts[r.Status] == 0 {
			order = append(order, r.Status)
		}
		counts[r.Status]++
	}
	parts := make([]string, 0, len(order))
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("%d×%d", s, counts[s]))
	}
	return strings.Join(parts, " ")
}

// keepDistinct records one exchange per distinct response (status and body),
// so the evidence shows every kind of answer without N copies of each.
func keepDistinct(x *Experiment, exchanges []Exchange) {
	seen := map[string]bool{}
	for _, ex := range exchanges {
		sig := ex.Err
		if ex.Response != nil {
			sig = fmt.Sprint(ex.Response.Status, ex.Response.Body)
		}
		if !seen[sig] {
			seen[sig] = true
			x.record(ex)
		}
	}
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
