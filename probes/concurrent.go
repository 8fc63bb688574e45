package probes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// concurrentProbe releases N copies of R with the same key at once, for
// several rounds with a fresh key each. Control: one request with its own key
// measures a single request's side effect. Treatment: each round must add
// exactly that effect, and every response must be the stored result or a 409.
//
// The measured rounds (--rounds, released by --race-mode) are followed by
// quick rounds (concurrent_quick.go) until the race budget is spent
// (concurrent_budget.go), stopping at the first round that shows the
// defect. On a nested operation every round runs on parents of its own
// (chain_round.go), so no round finds a balance, quota or stock that the
// control or an earlier round used up. A round in which the request itself
// was refused (every copy refused or in flight, and the retry after it
// too) proves nothing either way: it is inconclusive, the result quotes the
// server, and the verdict rests on the other rounds; with none left, it is
// an error, never a pass nor a fail.
type concurrentProbe struct{}

func (concurrentProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "concurrent",
		Title:    "concurrent copies with one key are processed once",
		Severity: Critical,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.6: a request whose key is in flight gets 409 Conflict (or waits for the stored result); it is never processed twice",
		Fix:      "claim the key atomically (insert-if-absent under a lock or a unique constraint) before processing; answer later copies 409 until the result is stored",
	}
}

func (concurrentProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

// controlLabel names concurrent's control step.
const controlLabel = "control: one request, fresh key"

// concurrentTally is what the rounds showed, counted.
type concurrentTally struct {
	failed, errored, nonconforming, inconclusive int
	ran                                          roundsRan
	firstInconclusive                            string
	summaries, conformance, notes                []string
}

// note adds a note once.
func (t *concurrentTally) note(notes ...string) {
	for _, n := range notes {
		if !slices.Contains(t.notes, n) {
			t.notes = append(t.notes, n)
		}
	}
}

func (concurrentProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	_, one, observed, ok := x.measureProcessed(ctx, res, controlLabel, x.Key())
	if !ok {
		return
	}
	latency := x.elapsedOf(controlLabel)

	n := x.Env.Concurrency
	rel, why := releaserFor(ctx, x)
	t := &concurrentTally{ran: roundsRan{copies: n, mode: rel.mode()}}
	began := time.Now()
	for round := 1; round <= x.Env.Rounds && ctx.Err() == nil; round++ {
		t.measuredRound(ctx, x, res, rel, round, one, observed)
	}
	if t.failed == 0 && t.errored == 0 && ctx.Err() == nil { // concurrent_quick.go: more chances, cheaply
		p := planQuickRounds(x, x.Env.Rounds, began, latency)
		q, err := runQuickRounds(ctx, x, p, one, observed)
		switch {
		case err != nil:
			t.errored++
			t.summaries = append(t.summaries, fmt.Sprintf("quick rounds (%s): %v", RaceNaive, err))
		case q.ran > 0:
			t.ran.quick, t.ran.quickCopies = q.ran, p.copies
			t.inconclusive += q.ran - q.conclusive
			if q.inconclusive != nil && t.firstInconclusive == "" {
				t.firstInconclusive = fmt.Sprintf("round %d: the request was refused (%s)", q.inconclusive.round, q.inconclusive.refused)
			}
			t.summaries = append(t.summaries, q.summary)
			t.note(q.notes...)
			if len(q.problems) > 0 {
				t.failed++
				res.Diffs = append(res.Diffs, fmt.Sprintf("round %d: %s", q.failedAt, strings.Join(q.problems, "; ")))
				res.Diffs = append(res.Diffs, q.diffs...)
			}
		}
	}
	t.summaries = append(t.summaries, x.Env.RaceBudget.OrDefault().describe(t.ran.total()))
	if why != "" {
		t.summaries = append([]string{"release: " + why}, t.summaries...)
	}
	res.Diffs = append(res.Diffs, t.conformance...)
	res.Diffs = append(res.Diffs, "rounds:\n  "+strings.Join(t.summaries, "\n  "))
	t.verdict(x, res, observed, one)
}

// measuredRound runs and judges one measured round, on parents of its own
// for a nested operation.
func (t *concurrentTally) measuredRound(ctx context.Context, x *Experiment, res *Result, rel releaser, round, one int, observed bool) {
	t.ran.measured++
	var parent string
	if len(x.Op.Chain) > 0 { // chain_round.go: nothing the control or an earlier round used up
		op, obs, _, err := x.roundParent(ctx)
		if err != nil {
			t.errored++
			t.summaries = append(t.summaries, fmt.Sprintf("round %d (%s): %v", round, rel.mode(), err))
			return
		}
		x.moveTo(op, obs)
		parent = op.Request.Path
	}
	o, err := runRound(ctx, x, rel, round, x.Env.Concurrency)
	if err != nil {
		t.errored++
		t.summaries = append(t.summaries, fmt.Sprintf("round %d (%s): %v", round, rel.mode(), err))
		return
	}
	observed = observed && !x.unobserved()                   // an inferred observer may fail mid-run (observe.go)
	f := o.judge(x.ignoreFields, x.Profile(), observed, one) // concurrent_judge.go
	summary := o.summary(round)
	if parent != "" {
		summary += "; on a parent of its own: " + parent
	}
	switch {
	case f.inconclusive != "" && observed && o.effect > one:
		f = roundFindings{safety: []string{fmt.Sprintf("no copy was processed (%s), yet the round added %d side effect(s); one request adds %d", o.statusCounts(), o.effect, one)}}
	case f.inconclusive != "":
		t.inconclusive++
		if t.firstInconclusive == "" {
			t.firstInconclusive = fmt.Sprintf("round %d: %s", round, f.inconclusive)
		}
		t.summaries = append(t.summaries, summary+"; inconclusive: "+f.inconclusive)
		return
	case observed && o.effect > one:
		f.safety = append(f.safety, fmt.Sprintf("the round added %d side effect(s); one request adds %d", o.effect, one))
	case observed && o.effect < one:
		t.note(fmt.Sprintf("a round added %+d although its responses show it processed once (%+d): fewer effects than the responses name are no duplicate, so that round is judged on its responses", o.effect, one))
	}
	t.summaries = append(t.summaries, summary)
	t.note(f.notes...)
	if len(f.conformance) > 0 {
		t.nonconforming++
		t.conformance = append(t.conformance, fmt.Sprintf("round %d: %s", round, strings.Join(f.conformance, "; ")))
	}
	if len(f.safety) > 0 {
		t.failed++
		res.Diffs = append(res.Diffs, fmt.Sprintf("round %d: %s", round, strings.Join(f.safety, "; ")))
		if t.failed == 1 { // one example diff is enough; the summary lists every round
			res.Diffs = append(res.Diffs, o.diffs...)
		}
	}
}

// verdict decides the probe from the tally.
func (t *concurrentTally) verdict(x *Experiment, res *Result, observed bool, one int) {
	ran := t.ran.String()
	conclusive := t.ran.total() - t.inconclusive
	switch {
	case t.failed > 0:
		fail(res, fmt.Sprintf("the defect showed in %d of %s: %s", t.failed, ran, firstLine(res.Diffs[0])))
	case t.errored > 0:
		errorf(res, "%d of %d rounds could not be completed: %s", t.errored, t.ran.total(), firstRoundError(t.summaries))
	case conclusive <= 0:
		errorf(res, "inconclusive: in none of %s was the request processed, so nothing is known of concurrent copies; %s", ran, t.firstInconclusive)
	case t.nonconforming > 0:
		prof := x.Profile()
		nonconformant(res, fmt.Sprintf("every round was processed once%s, but in %d of %s copies were refused with a status profile %s does not name for an in-flight duplicate (%s): %s",
			roundNote(observed, one), t.nonconforming, ran, prof.Name, statusList(prof.InFlightStatuses), t.conformance[0]))
	case t.inconclusive > 0:
		pass(res, fmt.Sprintf("%s: the %d rounds whose request was processed were each processed once%s; %d inconclusive, e.g. %s", ran, conclusive, roundNote(observed, one), t.inconclusive, t.firstInconclusive))
	default:
		pass(res, fmt.Sprintf("%s were each processed once%s", ran, roundNote(observed, one)))
	}
	if len(t.notes) > 0 {
		res.Reason += "; note: " + strings.Join(t.notes, "; ")
	}
}

// roundsRan says how many rounds of how many copies ran in each mode:
// "3 rounds of 10 (last-byte) and 24 quick rounds of 3".
type roundsRan struct {
	measured, copies   int
	mode               RaceMode
	quick, quickCopies int
}

func (r roundsRan) total() int { return r.measured + r.quick }

func (r roundsRan) String() string {
	s := fmt.Sprintf("%d %s of %d (%s)", r.measured, plural(r.measured, "round", "rounds"), r.copies, r.mode)
	if r.quick > 0 {
		s += fmt.Sprintf(" and %d quick %s of %d", r.quick, plural(r.quick, "round", "rounds"), r.quickCopies)
	}
	return s
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// elapsedOf is how long the first recorded exchange labelled label took:
// the operation's latency, from its control.
func (x *Experiment) elapsedOf(label string) time.Duration {
	for _, ex := range x.Evidence() {
		if ex.Label == label {
			return ex.Elapsed
		}
	}
	return 0
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
	reqs, err := requestsFor(x, x.Op, key, n)
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
