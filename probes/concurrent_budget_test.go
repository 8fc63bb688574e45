package probes

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
)

func TestParseRaceBudget(t *testing.T) {
	tests := []struct {
		in      string
		want    RaceBudget
		wantErr string
	}{
		{"60", RaceBudget{Rounds: 60}, ""},
		{" 3 ", RaceBudget{Rounds: 3}, ""},
		{"2s", RaceBudget{Time: 2 * time.Second}, ""},
		{"1500ms", RaceBudget{Time: 1500 * time.Millisecond}, ""},
		{"0", RaceBudget{}, "0 rounds is not between 1 and 1000"},
		{"1001", RaceBudget{}, "1001 rounds is not between 1 and 1000"},
		{"-1s", RaceBudget{}, "-1s is not a duration between 0 and 1h"},
		{"soon", RaceBudget{}, `"soon" is neither a number of rounds nor a duration`},
		{"", RaceBudget{}, `"" is neither`},
	}
	for _, tt := range tests {
		got, err := ParseRaceBudget(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseRaceBudget(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParseRaceBudget(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case err == nil && tt.in != "" && got.String() == "":
			t.Errorf("%v renders as nothing", got)
		}
	}
}

// TestDefaultRaceBudgetBuysItsOdds: the default budget catches a race at
// the odds bench/race measured with at least the target probability, and
// one round fewer would not.
func TestDefaultRaceBudgetBuysItsOdds(t *testing.T) {
	n := DefaultRaceRounds
	if catchChance(cpuRaceOdds, n) < raceCatchTarget || catchChance(cpuRaceOdds, n-1) >= raceCatchTarget {
		t.Errorf("%d rounds at %.2f: %.4f, %d rounds: %.4f; want the least count reaching %.2f", n, cpuRaceOdds, catchChance(cpuRaceOdds, n), n-1, catchChance(cpuRaceOdds, n-1), raceCatchTarget)
	}
	if got := (RaceBudget{}).OrDefault(); got != DefaultRaceBudget() {
		t.Errorf("zero budget = %v, want the default %v", got, DefaultRaceBudget())
	}
}

// TestRaceBudgetInRoundsIsExact: a budget of 10 rounds on a correct
// server runs the 3 measured rounds and 7 quick ones, and says so.
func TestRaceBudgetInRoundsIsExact(t *testing.T) {
	srv := httptestServe(t, payments.Options{})
	r := runOneProbe(t, concurrentProbe{}, srv, createPayment(), Config{RaceBudget: RaceBudget{Rounds: 10}, RaceMode: RaceLastByte})
	if want := "3 rounds of 10 (last-byte) and 7 quick rounds of 3 were each processed once"; r.Verdict != Pass || !strings.HasPrefix(r.Reason, want) {
		t.Errorf("%s: %s; want a pass beginning %q", r.Verdict, r.Reason, want)
	}
	if !strings.Contains(strings.Join(r.Diffs, "\n"), "race budget 10 rounds: 10 rounds ran") {
		t.Errorf("the evidence does not show the budget:\n%s", strings.Join(r.Diffs, "\n"))
	}
}

// TestRaceBudgetAsADurationBoundsTheRounds: against a server that takes
// 20ms a request, a budget of a second (counted from the first measured
// round) stops the quick rounds when it is spent: some ran, and they ended
// within the budget but for the rounds in flight at its end. The budget
// leaves the measured rounds room under the race detector and a loaded
// machine (300ms was spent before the first quick round, now and then).
func TestRaceBudgetAsADurationBoundsTheRounds(t *testing.T) {
	const budget = time.Second
	srv := httptestServe(t, payments.Options{Latency: 20 * time.Millisecond})
	r := runOneProbe(t, concurrentProbe{}, srv, createPayment(), Config{RaceBudget: RaceBudget{Time: budget}, RaceMode: RaceLastByte})
	var quick int
	if _, after, ok := strings.Cut(r.Reason, " and "); ok {
		fmt.Sscanf(after, "%d quick", &quick)
	}
	if r.Verdict != Pass || quick < 1 {
		t.Fatalf("%s: %s; want a pass after some quick rounds", r.Verdict, r.Reason)
	}
	// The rounds in flight at the deadline finish: a slack of a second for
	// them (each lasts about 20ms, on a loaded machine far more).
	if rounds, took := quickTook(t, r); took > 2*budget {
		t.Errorf("%d quick rounds took %s, beyond the %s budget and a second for the rounds in flight", rounds, took, budget)
	}
}

// quickTook reads the quick rounds' count and wall time from their
// summary: "rounds 4–59 (naive, quick: 56 rounds of 3, …, 700ms): …".
func quickTook(t *testing.T, r Result) (rounds int, took time.Duration) {
	t.Helper()
	m := regexp.MustCompile(`quick: (\d+) rounds? of \d+[^)]*, ([0-9.]+[a-zµ]+)\):`).FindStringSubmatch(strings.Join(r.Diffs, "\n"))
	if m == nil {
		t.Fatalf("no quick rounds in the evidence:\n%s", strings.Join(r.Diffs, "\n"))
	}
	fmt.Sscan(m[1], &rounds)
	took, err := time.ParseDuration(m[2])
	if err != nil {
		t.Fatal(err)
	}
	return rounds, took
}

// TestQuickRoundsOverlapWhereLatencyLeavesRoom: against a handler that
// takes 30ms, the quick rounds do not wait for one another: up to three
// rounds of three are in flight at once (--concurrency 10), so they take
// less than one round after another could (each lasts at least the 30ms
// of its processed copy), the evidence says so, and the correct server
// still passes. On a fast server they run one after another.
func TestQuickRoundsOverlapWhereLatencyLeavesRoom(t *testing.T) {
	for _, tt := range []struct {
		latency time.Duration
		overlap bool
	}{{30 * time.Millisecond, true}, {0, false}} {
		t.Run(tt.latency.String(), func(t *testing.T) {
			srv := httptestServe(t, payments.Options{Latency: tt.latency})
			r := runOneProbe(t, concurrentProbe{}, srv, createPayment(), Config{RaceMode: RaceLastByte})
			if r.Verdict != Pass {
				t.Fatalf("%s: %s", r.Verdict, r.Reason)
			}
			if said := strings.Contains(strings.Join(r.Diffs, "\n"), "up to 3 at once"); said != tt.overlap {
				t.Errorf("evidence says overlapping: %v, want %v:\n%s", said, tt.overlap, strings.Join(roundSummaries(r), "\n"))
			}
			if rounds, took := quickTook(t, r); tt.overlap && took >= time.Duration(rounds)*tt.latency {
				t.Errorf("%d quick rounds took %v, no less than one after another (%v)", rounds, took, time.Duration(rounds)*tt.latency)
			}
		})
	}
}

// throttleAfter answers 429 to every POST after the first n.
type throttleAfter struct {
	h    http.Handler
	mu   sync.Mutex
	n    int
	seen int
}

func (s *throttleAfter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		s.mu.Lock()
		s.seen++
		over := s.seen > s.n
		s.mu.Unlock()
		if over {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"message":"slow down"}}`)
			return
		}
	}
	s.h.ServeHTTP(w, r)
}

// TestThrottledQuickRoundStopsThemWithoutAFinding: a server that starts
// throttling after the measured rounds is not processing anything twice:
// the quick rounds stop at the first throttled round, the probe passes on
// the rounds that ran, counted honestly, and says why it stopped short.
func TestThrottledQuickRoundStopsThemWithoutAFinding(t *testing.T) {
	srv := httptest.NewServer(&throttleAfter{h: payments.New(payments.Options{}), n: 1 + 3*11 + 3*3})
	t.Cleanup(srv.Close)
	r := runOneProbe(t, concurrentProbe{}, srv.URL, createPayment(), Config{RaceMode: RaceLastByte})
	if r.Verdict != Pass || !strings.HasPrefix(r.Reason, "3 rounds of 10 (last-byte) and 4 quick rounds of 3") || !strings.Contains(r.Reason, `round 7 was throttled (status 429: "slow down")`) {
		t.Errorf("%s: %s\n%s", r.Verdict, r.Reason, strings.Join(roundSummaries(r), "\n"))
	}
}
