package probes

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// A check-then-act race whose window is CPU work, not a parked wait, is
// caught in only some rounds however tightly the copies are released: the
// copies can only overlap on another processor, and whether one is free at
// that instant is up to the server's scheduler. What raises the odds is
// more rounds (concurrent_budget.go says how many); what keeps them cheap
// is not measuring each one. So when the measured rounds found nothing,
// quick rounds follow: the same request with a fresh key each, judged on
// their responses (a race shows as two different successful responses in
// one round), their side effects measured together, stopping at the first
// that shows the defect or when the race budget is spent.
//
// A round lasts as long as the handler takes, and real handlers take tens
// of milliseconds. Waiting for each round before the next would make the
// budget cost rounds × latency, so where the control showed a latency
// that leaves room, rounds overlap: up to --concurrency copies in flight
// at once (three rounds of three by default), a new round starting as one
// ends. Rounds have keys of their own, so they do not interfere with one
// another's judgement; bench/race measures that the overlap leaves the
// odds per round as they are.

const (
	// DefaultQuickCopies is the copies of a quick round: a race needs two
	// copies on two processors at once; bench/race -quick-copies measures
	// the odds of more (which only queue behind them and cost requests).
	DefaultQuickCopies = 3
	// overlapAbove is the control latency from which quick rounds overlap:
	// below it a round costs about as much as starting one.
	overlapAbove = 5 * time.Millisecond
	// quickStagger spaces overlapping rounds: a round's race window comes
	// first, as its copies arrive, and a CPU-bound one is caught only when
	// two of its copies find two processors free; so a round starts at
	// least quickStagger after the one before, and no sooner than
	// quickStagger after a round ended (the server writing that round's
	// responses, the client reading them, would take the processors).
	// bench/race: rounds of 3 spaced so, 3 at once, caught a CPU-bound
	// 100µs window in 5.9% of rounds at a 30ms process delay, one after
	// another in 3.5% (interleaved runs under the same load).
	quickStagger = 3 * time.Millisecond
)

// quickPlan is how the quick rounds run.
type quickPlan struct {
	first    int       // the first quick round's number (after the measured ones)
	rounds   int       // at most this many
	deadline time.Time // zero: the count alone bounds them
	copies   int
	inFlight int           // rounds in flight at once
	parents  bool          // each round on parents of its own (a chained operation)
	observed bool          // the batch's side effect is measured (inRoundProblems)
	stagger  time.Duration // the least time between two rounds' starts
}

// planQuickRounds plans the quick rounds after measured rounds that
// started at start, for an operation whose control took latency.
func planQuickRounds(x *Experiment, measured int, start time.Time, latency time.Duration) quickPlan {
	b := x.run.RaceBudget
	p := quickPlan{first: measured + 1, rounds: b.quickRoundsFor(measured), copies: quickCopies(x.run), inFlight: 1, parents: len(x.Op.Chain) > 0}
	if b.Time > 0 {
		p.deadline = start.Add(b.Time)
	}
	if latency >= overlapAbove {
		p.inFlight = max(1, x.run.Concurrency/p.copies)
	}
	if p.inFlight > 1 {
		p.stagger = quickStagger
	}
	return p
}

// quickCopies is the copies of a quick round: Config.QuickCopies, no more
// than --concurrency but at least the two a race needs.
func quickCopies(env *run) int {
	return max(2, min(env.QuickCopies, env.Concurrency))
}

// quickRounds is what the quick rounds found.
type quickRounds struct {
	ran          int           // rounds released
	conclusive   int           // rounds in which a copy was processed
	failedAt     int           // the first round that showed the defect; 0 for none
	problems     []string      // what it showed, and the batch's effect when it is off
	diffs        []string      // one example diff
	notes        []string      // what does not fail the probe
	inconclusive *quickOutcome // the first round whose request was refused (with its exchanges)
	throttled    string        // why the rounds stopped early, when the server throttled them
	summary      string        // the line for the rounds evidence
}

// quickOutcome is one quick round, kept small: many rounds run, and their
// responses may be large, so a round keeps its statuses and what the
// server said, and its exchanges only when they are evidence (compact).
type quickOutcome struct {
	round     int
	statuses  []int
	exchanges []Exchange
	problems  []string
	diffs     []string
	observer  Observer // the round's own, on its own parents; nil for x's
	path      string   // the round's request path, on its own parents
	processed bool     // a copy got a 2xx
	refused   string   // why, quoting the server, when no copy was processed and the request was refused
	throttled string   // what the server said, when it said "later"
}

// runQuickRounds runs the planned quick rounds after the measured ones.
// one is a single request's side effect (observed says whether it is
// known).
func runQuickRounds(ctx context.Context, x *Experiment, p quickPlan, one int, observed bool) (*quickRounds, error) {
	q := &quickRounds{}
	if p.rounds <= 0 {
		return q, nil
	}
	// On parents of their own, the rounds are measured on their own
	// lists (chain_round.go). A declared observer is not asked: it might
	// count the parents each round creates, which are no effect of the
	// operation.
	perParent := p.parents && x.Observer != nil && inferred(x.Observer)
	declared := p.parents && x.Observer != nil && !inferred(x.Observer)
	p.observed = observed && !declared && (!perParent || x.attributed())
	var outs []*quickOutcome
	var runErr error
	began := time.Now()
	step := func() error {
		outs, runErr = releaseQuickRounds(ctx, x, p)
		return runErr
	}
	label := fmt.Sprintf("quick rounds from %d: up to %d rounds of %d copies, measured together", p.first, p.rounds, p.copies)
	var effect int
	var measured bool
	var why string
	var err error
	switch {
	case declared:
		err = step()
		why = fmt.Sprintf("not measured: each quick round creates a parent of its own, which %s may count", x.Observer.Name())
	case perParent:
		if err = step(); err == nil {
			observers := make([]Observer, 0, len(outs))
			for _, o := range outs {
				if o.observer != nil {
					observers = append(observers, o.observer)
				}
			}
			effect, measured, why, err = x.roundEffects(ctx, label, observers, p.copies*p.inFlight)
		}
	default:
		effect, measured, err = x.Measure(ctx, label, step)
	}
	if err != nil {
		return nil, err
	}
	q.judge(x, outs, one, measured && observed, effect)
	if why != "" && observed {
		q.notes = append(q.notes, "quick rounds' side effects "+why)
	}
	q.summary = q.summarize(p, outs, time.Since(began))
	if measured {
		q.summary += fmt.Sprintf(", side effect %+d", effect)
	}
	return q, nil
}

// releaseQuickRounds runs up to p.rounds rounds, p.inFlight at a time,
// and stops launching at the first that shows the defect or is
// throttled, at p.deadline, or when ctx ends. It returns the rounds that
// ran, in round order; an error is a round that could not be sent.
func releaseQuickRounds(ctx context.Context, x *Experiment, p quickPlan) ([]*quickOutcome, error) {
	var mu sync.Mutex
	var outs []*quickOutcome
	var firstErr error
	stop := false
	slots := make(chan struct{}, p.inFlight)
	var wg sync.WaitGroup
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return stop
	}
	var last time.Time
launch:
	for k := 0; k < p.rounds && !stopped(); k++ {
		if !p.deadline.IsZero() && !time.Now().Before(p.deadline) {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break launch
		}
		if wait := p.stagger - time.Since(last); k > 0 && wait > 0 {
			if err := sleep(ctx, wait); err != nil {
				<-slots
				break
			}
		}
		if stopped() {
			<-slots
			break
		}
		last = time.Now()
		wg.Add(1)
		go func(round int) {
			defer wg.Done()
			defer func() {
				time.Sleep(p.stagger) // its response's handling is over before the next round's window
				<-slots
			}()
			o, err := quickRound(ctx, x, p, round)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				stop = true
				return
			}
			if len(o.problems) > 0 || o.throttled != "" {
				stop = true
			}
			if len(o.problems) == 0 && (o.refused == "" || slices.ContainsFunc(outs, func(p *quickOutcome) bool { return p.refused != "" })) {
				o.exchanges = nil // not evidence: one refused round is example enough
			}
			outs = append(outs, o)
		}(p.first + k)
	}
	wg.Wait()
	slices.SortFunc(outs, func(a, b *quickOutcome) int { return a.round - b.round })
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return outs, firstErr
}

// quickRound releases one round of p.copies copies with a fresh key, on
// parents of its own when p says so, and judges it on its responses.
func quickRound(ctx context.Context, x *Experiment, p quickPlan, round int) (*quickOutcome, error) {
	o := &quickOutcome{round: round}
	op := x.Op
	if p.parents {
		var obs Observer
		var err error
		if op, obs, _, err = x.roundParent(ctx); err != nil { // chain_round.go
			return nil, fmt.Errorf("round %d: %w", round, err)
		}
		if obs != x.Observer { // inferred anew under the round's parent
			o.observer = obs
		}
		o.path = op.Request.Path
	}
	reqs, err := requestsFor(x, op, x.Key(), p.copies)
	if err != nil {
		return nil, err
	}
	if err := x.run.limit.wait(ctx, len(reqs)); err != nil {
		return nil, err
	}
	// Through net/http over kept-alive connections, unsynchronized: the
	// cheapest round (about 1.5 ms on loopback), and where the window is
	// CPU work, copies that arrive a little apart find the other
	// processors free (bench/race: it catches such races per round at
	// least as often as a synchronized release does). The measured rounds
	// keep the run's release mode for the narrow parked windows it is
	// made for.
	v := naiveReleaser{}.release(ctx, x, fmt.Sprintf("round %d", round), reqs)
	for i, err := range v.errs {
		if err != nil {
			return nil, fmt.Errorf("round %d copy %d: %w", round, i+1, err)
		}
	}
	o.exchanges = v.exchanges
	for i, r := range v.replies {
		o.statuses = append(o.statuses, r.Status)
		if o.observer != nil {
			if w, ok := o.observer.(responseWatcher); ok && r.is2xx() {
				w.saw(x.run.BaseURL, r) // the round's own resource observer learns its resource
			}
			continue
		}
		x.saw(reqs[i], r) // observe_quick.go: a single reading must show what the copies named
	}
	o.problems, o.diffs = inRoundProblems(v.replies, x.ignoreFields, x.Profile(), p.observed)
	o.classify(v.replies, x.Profile())
	return o, nil
}

// requestsFor builds n copies of op's request with key.
func requestsFor(x *Experiment, op *openapi.Operation, key string, n int) ([]*http.Request, error) {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		req, err := buildFor(x, op, key, nil)
		if err != nil {
			return nil, err
		}
		reqs[i] = req
	}
	return reqs, nil
}

// classify says whether a copy was processed, and when none was, whether
// the request itself was refused (every copy refused or in flight: the
// round is inconclusive) or throttled, quoting the server.
func (o *quickOutcome) classify(replies []*reply, prof *Profile) {
	refusedAll := true
	var refused, throttled *reply
	for _, r := range replies {
		switch {
		case r.is2xx():
			o.processed = true
		case r.throttled():
			if throttled == nil {
				throttled = r
			}
		case prof.acceptsInFlight(r.Status):
		case r.refused():
			if refused == nil {
				refused = r
			}
		default:
			refusedAll = false
		}
	}
	if throttled != nil {
		o.throttled = refusal(throttled)
	}
	if o.processed || !refusedAll || throttled != nil || len(replies) == 0 {
		return
	}
	if refused == nil { // every copy in flight: nothing was processed either
		refused = replies[0]
	}
	o.refused = refusal(refused)
}

// judge decides the quick rounds from their outcomes and the batch's
// effect (measured says it is known). The batch may add up to one
// request's effect per round: a processed round adds exactly that, a
// refused one at most that (some APIs record a refused attempt). More is a
// request processed twice. Less than the processed rounds name is not a
// duplicate: the observer missed some (a capped or lagging read-back), and
// the rounds are judged on their responses.
func (q *quickRounds) judge(x *Experiment, outs []*quickOutcome, one int, measured bool, effect int) {
	q.ran = len(outs)
	for _, o := range outs {
		if o.processed {
			q.conclusive++
		}
		if len(o.problems) > 0 && q.failedAt == 0 {
			q.failedAt, q.problems, q.diffs = o.round, o.problems, o.diffs
			keepDistinct(x, o.exchanges)
		}
		if o.refused != "" && (q.inconclusive == nil || q.inconclusive.exchanges == nil) {
			q.inconclusive = o
		}
		if o.throttled != "" && q.throttled == "" {
			q.throttled = fmt.Sprintf("round %d was throttled (%s): the quick rounds stopped there", o.round, o.throttled)
			q.notes = append(q.notes, q.throttled+", short of the race budget")
		}
	}
	if q.inconclusive != nil && q.failedAt == 0 {
		keepDistinct(x, q.inconclusive.exchanges)
	}
	if !measured || q.ran == 0 {
		return
	}
	switch processed := q.conclusive * one; {
	case effect > q.ran*one:
		q.problems = append(q.problems, fmt.Sprintf("%d quick rounds (%d of them processed, by the responses) added %d side effect(s); one request adds %d", q.ran, q.conclusive, effect, one))
		if q.failedAt == 0 {
			q.failedAt = outs[len(outs)-1].round
		}
	case effect < processed:
		q.notes = append(q.notes, fmt.Sprintf("the observer showed %+d for %d quick rounds the responses show processed once each (%+d): fewer effects than the responses name are no duplicate, so those rounds are judged on their responses", effect, q.conclusive, processed))
	}
}

// summarize is the quick rounds' line in the evidence: "rounds 4–60
// (naive, quick: 57 rounds of 3, up to 3 at once, measured together,
// 0.93s): 201×57 409×114".
func (q *quickRounds) summarize(p quickPlan, outs []*quickOutcome, took time.Duration) string {
	statuses := map[int]int{}
	for _, o := range outs {
		for _, s := range o.statuses {
			statuses[s]++
		}
	}
	how := fmt.Sprintf("quick: %d rounds of %d", q.ran, p.copies)
	if p.inFlight > 1 {
		how += fmt.Sprintf(", up to %d at once", p.inFlight)
	}
	if p.parents {
		how += ", each on a parent of its own"
	}
	s := fmt.Sprintf("rounds %d–%d (%s, %s, measured together, %s): %s", p.first, p.first+max(q.ran, 1)-1, RaceNaive, how, took.Round(10*time.Millisecond), countStatuses(statuses))
	if n := q.ran - q.conclusive; n > 0 {
		s += fmt.Sprintf("; %d inconclusive (no copy processed)", n)
	}
	if q.inconclusive != nil {
		s += fmt.Sprintf(", e.g. round %d: %s", q.inconclusive.round, q.inconclusive.refused)
	}
	if q.throttled != "" {
		s += "; " + q.throttled
	}
	return s
}

// inRoundProblems judges a quick round on its responses alone, as judge
// does a measured one (one defect, one finding): successful copies that
// name different resources were processed more than once; copies that
// differ otherwise are a replay rendered differently (replay's property),
// unless nothing else can tell (no id, no observed effect); a server error
// is a problem, a refusal was already judged in the measured rounds, and a
// throttle says "later", not "processed twice". The batch's side effect is
// checked after the rounds.
func inRoundProblems(replies []*reply, ignore []string, prof *Profile, observed bool) (problems, diffs []string) {
	var first *reply
	var ids []string
	differing, broken := 0, 0
	for i, r := range replies {
		switch {
		case r.is2xx():
			if id := resourceID(r); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			if first == nil {
				first = r
			} else if d := prof.replayDiff(first, r, ignore); d != "" {
				differing++
				if differing == 1 {
					diffs = append(diffs, fmt.Sprintf("copy %d vs the round's first success (-first +copy):\n%s", i+1, d))
				}
			}
		case prof.acceptsInFlight(r.Status), r.refused(), r.throttled():
		default:
			broken++
		}
	}
	switch {
	case len(ids) > 1:
		problems = append(problems, fmt.Sprintf("%d successful responses name %d different resources (processed more than once)", differing+1, len(ids)))
	case differing > 0 && len(ids) == 0 && !observed:
		problems = append(problems, fmt.Sprintf("%d successful responses differ from the round's first (processed more than once)", differing))
	}
	if broken > 0 {
		problems = append(problems, fmt.Sprintf("%d responses were neither a success, a refusal nor %s", broken, statusList(prof.InFlightStatuses)))
	}
	if len(problems) == 0 {
		diffs = nil
	}
	return problems, diffs
}

// countStatuses renders status counts in ascending order: "201×9 409×81".
func countStatuses(counts map[int]int) string {
	var parts []string
	for s := 100; s < 600; s++ {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", s, counts[s]))
		}
	}
	return strings.Join(parts, " ")
}
