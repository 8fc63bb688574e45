package probes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A check-then-act race whose window is CPU work, not a parked wait, is
// caught in only some rounds however tightly the copies are released: the
// copies can only overlap on another processor, and whether one is free at
// that instant is up to the server's scheduler. What raises the odds is
// more rounds; what keeps them cheap is not measuring each one. So when the
// measured rounds found nothing, quick rounds follow: the same release with
// a fresh key each, judged on their responses (a race shows as two
// different successful responses in one round), their side effects
// measured together, stopping at the first that shows the defect or when
// their count or time budget is spent.

const (
	// maxQuickRounds bounds the quick rounds after the measured ones.
	maxQuickRounds = 60
	// quickRoundsBudget bounds their time: against a slow server fewer run.
	quickRoundsBudget = 100 * time.Millisecond
	// quickCopies is the copies of a quick round: a race needs two copies
	// on two processors at once, and more only queue behind them (and cost
	// requests: 60 rounds of 10 were 600 requests per operation).
	quickCopies = 3
)

// quickRounds is what the quick rounds found.
type quickRounds struct {
	ran      int      // rounds released
	failedAt int      // the round (counted after the measured ones) that showed the defect; 0 for none
	problems []string // what it showed, and the batch's effect when it is off
	diffs    []string // one example diff
	summary  string   // the line for the rounds evidence
}

// runQuickRounds releases up to maxQuickRounds rounds of n copies through
// rel after the first measured rounds, measured as one step. one is a
// single request's side effect (observed says whether it is known).
func runQuickRounds(ctx context.Context, x *Experiment, first, n, one int, observed bool) (*quickRounds, error) {
	n = min(n, quickCopies)
	// Through net/http over kept-alive connections, unsynchronized: the
	// cheapest round (about 1.5 ms on loopback), and where the window is CPU
	// work, copies that arrive a little apart find the other processors
	// free (bench/race: it catches such races per round at least as often
	// as a synchronized release does). The measured rounds keep the run's
	// release mode for the narrow parked windows it is made for.
	rel := releaser(naiveReleaser{})
	q := &quickRounds{}
	prof := x.Profile()
	statuses := map[int]int{}
	label := fmt.Sprintf("quick rounds from %d: up to %d rounds of %d copies, measured together", first, maxQuickRounds, n)
	effect, measured, err := x.Measure(ctx, label, func() error {
		deadline := time.Now().Add(quickRoundsBudget)
		for k := 0; k < maxQuickRounds && time.Now().Before(deadline) && ctx.Err() == nil; k++ {
			round := first + k
			reqs, err := roundRequests(x, x.Key(), n)
			if err != nil {
				return err
			}
			if err := x.Env.limit.wait(ctx, n); err != nil {
				return err
			}
			v := rel.release(ctx, x, fmt.Sprintf("round %d", round), reqs)
			q.ran++
			for i, err := range v.errs {
				if err != nil {
					return fmt.Errorf("round %d copy %d: %w", round, i+1, err)
				}
			}
			for i, r := range v.replies {
				statuses[r.Status]++
				x.saw(reqs[i], r) // observe_quick.go: a single reading must show what the copies named
			}
			if problems, diffs := inRoundProblems(v.replies, x.ignoreFields, prof, observed); len(problems) > 0 {
				q.failedAt, q.problems, q.diffs = round, problems, diffs
				keepDistinct(x, v.exchanges)
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if measured && observed && effect != q.ran*one {
		q.problems = append(q.problems, fmt.Sprintf("%d quick rounds added %d side effect(s); one request adds %d", q.ran, effect, one))
		if q.failedAt == 0 {
			q.failedAt = first + q.ran - 1
		}
	}
	q.summary = fmt.Sprintf("rounds %d–%d (%s, quick: measured together): %s", first, first+q.ran-1, rel.mode(), countStatuses(statuses))
	if measured {
		q.summary += fmt.Sprintf(", side effect %+d", effect)
	}
	return q, nil
}

// inRoundProblems judges a quick round on its responses alone, as judge
// does a measured one (one defect, one finding): successful copies that
// name different resources were processed more than once; copies that
// differ otherwise are a replay rendered differently (replay's property),
// unless nothing else can tell (no id, no observed effect); a server error
// is a problem, a refusal was already judged in the measured rounds. The
// batch's side effect is checked after the rounds.
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
		case prof.acceptsInFlight(r.Status), r.refused():
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
