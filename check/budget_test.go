package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// slowAPI is the correct payments API answering every request after delay,
// recording when each request arrived.
func slowAPI(t *testing.T, delay time.Duration) (*httptest.Server, func() []time.Time) {
	api := payments.New(payments.Options{})
	var mu sync.Mutex
	var arrived []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived = append(arrived, time.Now())
		mu.Unlock()
		time.Sleep(delay)
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), arrived...)
	}
}

func runCheck(t *testing.T, ctx context.Context, opts Options) *report.Run {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func paymentsOptions(base string) Options {
	o := DefaultOptions()
	o.Spec, o.SpecData, o.BaseURL = "openapi.yaml", payments.Spec, base
	return o
}

// TestTimeBudgetStopsCleanly: a run whose --max-duration is spent returns
// what finished, marks the rest "not run: time budget", never passes, and
// takes about the budget, not the whole run.
func TestTimeBudgetStopsCleanly(t *testing.T) {
	srv, _ := slowAPI(t, 20*time.Millisecond)
	opts := paymentsOptions(srv.URL)
	opts.MaxDuration = 700 * time.Millisecond
	opts.Parallel = 1
	start := time.Now()
	run := runCheck(t, t.Context(), opts)
	elapsed := time.Since(start)
	if elapsed > opts.MaxDuration+5*time.Second { // a bound, not a timing: the full run takes far longer
		t.Errorf("the run took %s with a budget of %s", elapsed, opts.MaxDuration)
	}
	notRun, finished := 0, 0
	for _, r := range run.Results {
		switch {
		case r.Verdict == probes.Error && strings.Contains(r.Reason, "not run: time budget"):
			notRun++
		case r.Verdict == probes.Pass:
			finished++
		}
	}
	if notRun == 0 || finished == 0 {
		t.Errorf("%d results not run and %d passed; want both (results: %d)", notRun, finished, len(run.Results))
	}
	if o := run.Outcome(); o.Status != report.Untestable || !strings.Contains(o.Reason, "time budget") {
		t.Errorf("outcome %+v; want untestable naming the time budget", o)
	}
}

// TestCancelledRunStillReports: cancelling the context (a signal) stops
// the run; it comes back with what finished and Stopped set.
func TestCancelledRunStillReports(t *testing.T) {
	srv, _ := slowAPI(t, 20*time.Millisecond)
	ctx, cancel := context.WithCancelCause(t.Context())
	time.AfterFunc(500*time.Millisecond, func() { cancel(context.Canceled) })
	opts := paymentsOptions(srv.URL)
	opts.Parallel = 1
	run := runCheck(t, ctx, opts)
	if run.Stopped == "" || run.Outcome().Status != report.Untestable {
		t.Errorf("stopped %q, outcome %+v; want a stopped, untestable run", run.Stopped, run.Outcome())
	}
	if len(run.Results) == 0 {
		t.Error("no results: nothing to report")
	}
}

// TestRateLimitsRequests: with --rate 25 no request arrives sooner than the
// rate allows: n requests span at least (n-1)/25 s (volleys of concurrent
// copies leave together, so only the count over the span is bounded).
func TestRateLimitsRequests(t *testing.T) {
	srv, arrivals := slowAPI(t, 0)
	opts := paymentsOptions(srv.URL)
	opts.Rate = 25
	opts.Operations = []string{"createPayment"}
	opts.Probes = []string{"replay", "missing-key"}
	runCheck(t, t.Context(), opts)
	got := arrivals()
	if len(got) < 8 {
		t.Fatalf("%d requests arrived; the probes did not run", len(got))
	}
	span := got[len(got)-1].Sub(got[1]) // got[0] is the reachability check, before the limit
	if min := time.Duration(len(got)-3) * time.Second / 25; span < min {
		t.Errorf("%d requests in %s; --rate 25 allows no less than %s", len(got)-1, span, min)
	}
}
