package probes

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// How many rounds concurrent runs is a matter of odds, not of time. A
// check-then-act race whose window is CPU work shows only in the rounds in
// which two copies happen to run on two processors inside the window, and
// that is up to the server's scheduler whatever the release: bench/race
// measures it, per round, for CPU-bound windows of 2ms, 500µs and 100µs
// (the narrowest is the hardest). At those odds p, n rounds catch the race
// with probability 1-(1-p)^n, however long each round takes: a slow
// handler makes each round slower, not the race likelier. So the budget is
// a number of rounds, and the wall time it costs grows with the operation's
// latency (the quick rounds overlap where the latency leaves room, see
// concurrent_quick.go), bounded by the count and shown in the result.

const (
	// cpuRaceOdds is the per-round odds of catching a CPU-bound 100µs
	// check-then-act window that bench/race measures (3 measured rounds,
	// then quick rounds of 3 copies; process delays 0 to 100ms; see
	// docs/race-modes.md), rounded down to its lowest cells: 3.5 to 6%
	// on this 2-core machine under load, where client and server share
	// the processors.
	cpuRaceOdds = 0.04
	// raceCatchTarget is the catch probability the default budget buys at
	// cpuRaceOdds.
	raceCatchTarget = 0.95
	// maxRaceRounds bounds the rounds of any budget, a duration's too.
	maxRaceRounds = 1000
)

// DefaultRaceRounds is the default race budget: the rounds that catch a
// race at cpuRaceOdds per round with raceCatchTarget probability (74).
var DefaultRaceRounds = roundsFor(cpuRaceOdds, raceCatchTarget)

// RaceBudget bounds the rounds concurrent runs on one operation, measured
// rounds and quick rounds together: a number of rounds, or the time they
// may take. The zero value is DefaultRaceBudget.
type RaceBudget struct {
	// Rounds is the rounds in all (at least --rounds: the measured rounds
	// always run); 0 when Time is set.
	Rounds int
	// Time, when set, is how long the rounds may take, from the first
	// measured round: quick rounds run until it is spent (at most
	// maxRaceRounds in all).
	Time time.Duration
}

// DefaultRaceBudget is the budget when Env.RaceBudget is zero.
func DefaultRaceBudget() RaceBudget { return RaceBudget{Rounds: DefaultRaceRounds} }

// ParseRaceBudget reads a --race-budget value: a number of rounds ("60")
// or a duration ("2s").
func ParseRaceBudget(s string) (RaceBudget, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > maxRaceRounds {
			return RaceBudget{}, fmt.Errorf("%d rounds is not between 1 and %d", n, maxRaceRounds)
		}
		return RaceBudget{Rounds: n}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return RaceBudget{}, fmt.Errorf("%q is neither a number of rounds nor a duration (e.g. 60 or 2s)", s)
	}
	if d <= 0 || d > time.Hour {
		return RaceBudget{}, fmt.Errorf("%s is not a duration between 0 and 1h", d)
	}
	return RaceBudget{Time: d}, nil
}

// String renders the budget as --race-budget takes it.
func (b RaceBudget) String() string {
	if b.Time > 0 {
		return b.Time.String()
	}
	return strconv.Itoa(b.Rounds)
}

// OrDefault is b, or DefaultRaceBudget when b is zero.
func (b RaceBudget) OrDefault() RaceBudget {
	if b.Rounds <= 0 && b.Time <= 0 {
		return DefaultRaceBudget()
	}
	return b
}

// quickRoundsFor is how many quick rounds may follow measured ones under
// the budget: the rest of its rounds, or maxRaceRounds when it is a time.
func (b RaceBudget) quickRoundsFor(measured int) int {
	if b.Time > 0 {
		return max(0, maxRaceRounds-measured)
	}
	return max(0, b.Rounds-measured)
}

// describe says what the budget buys: "race budget 59 rounds (the
// default): a race caught in 5% of rounds is caught with 95% odds".
func (b RaceBudget) describe(ran int) string {
	what := fmt.Sprintf("race budget %s", b)
	if b.Time == 0 {
		what += " rounds"
	}
	if b == DefaultRaceBudget() {
		what += " (the default)"
	}
	return fmt.Sprintf("%s: %d rounds ran; a race that shows in %.0f%% of rounds is caught in %d rounds with %.0f%% odds",
		what, ran, 100*cpuRaceOdds, ran, 100*catchChance(cpuRaceOdds, ran))
}

// RaceBudgetOdds says what the default race budget buys, for --help: "the
// default catches a race that shows in 5% of rounds with 95% odds".
func RaceBudgetOdds() string {
	return fmt.Sprintf("the default catches a race that shows in %.0f%% of rounds with %.0f%% odds", 100*cpuRaceOdds, 100*catchChance(cpuRaceOdds, DefaultRaceRounds))
}

// roundsFor is how many rounds catch a race of per-round odds p with
// probability at least target.
func roundsFor(p, target float64) int {
	return int(math.Ceil(math.Log(1-target) / math.Log(1-p)))
}

// catchChance is the probability that n rounds catch a race of per-round
// odds p.
func catchChance(p float64, n int) float64 { return 1 - math.Pow(1-p, float64(n)) }
