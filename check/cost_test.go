package check

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// countingVariant is v whose servers count every request that reaches the
// API, in n.
func countingVariant(v examples.Variant, n *atomic.Int64) examples.Variant {
	handler := v.Handler
	v.Handler = func() http.Handler {
		h := handler()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			h.ServeHTTP(w, r)
		})
	}
	return v
}

// exampleOptions are a default check's options for v against base: the
// flags' defaults, v's document and its configuration (the observers its
// document cannot declare).
func exampleOptions(v examples.Variant, base string) Options {
	opts := DefaultOptions()
	opts.BaseURL = base
	opts.Spec, opts.SpecData = "examples/"+v.Name+"/openapi.yaml", v.Spec
	if v.Config != nil {
		opts.Config, opts.ConfigData = "examples/"+v.Name+"/idemcheck.yaml", v.Config
	}
	return opts
}

// slack is the tolerance of a comparison of n requests: 10 %, and at least
// 2, the extra polls of retry-after-drop's bounded wait for the dropped
// request's effect, which the model counts once.
func slack(n int) int { return max(2, n/10) }

// TestPlanEstimateMatchesCheck (issue 27): plan's estimate of what a
// default check sends (Check.Cost, probes.Estimate) against what a default
// check of every example sends, counted by the server.
//
//   - The server's count is the check's own: every result's Requests plus
//     the preflight the estimate counts.
//   - Each probe on each operation sends what its cost method says, within
//     10 % (at least 2). On a correct example, between the part sent
//     whatever happens and the whole at its bounds (concurrent's quick
//     rounds stop at their time budget, 100 ms, which a loaded or -race
//     run spends early). On any example, a probe with such a part
//     (concurrent) that failed sent exactly the rest, since its quick
//     rounds run only while no defect showed. What else a probe sends on
//     a broken example follows the defect and is not held.
//   - The whole run is within 10 % of the estimate with the quick rounds
//     counted as sent (the estimate itself counts them at their bound: on an
//     idle machine without -race the two agree, see the log).
//
// When a probe's requests change (concurrent's rounds), this fails naming
// the probe and operation: change the probe's cost method in
// probes/cost.go with it.
func TestPlanEstimateMatchesCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every example")
	}
	for _, v := range examples.Variants() {
		t.Run(v.Name, func(t *testing.T) {
			var served atomic.Int64
			srv, err := examples.Start(countingVariant(v, &served))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			opts := exampleOptions(v, srv.URL)
			ctx := context.Background()
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
			est := c.Cost(plan)
			run, err := c.Run(ctx, plan)
			if err != nil {
				t.Fatal(err)
			}
			srv.Close() // every request answered and counted
			checkEstimate(t, est, run, int(served.Load()), len(v.ExpectFail) == 0)
		})
	}
}

// checkEstimate holds a run that the server counted served requests of to
// the estimate est.
func checkEstimate(t *testing.T, est probes.RunCost, run *report.Run, served int, correct bool) {
	t.Helper()
	want := map[string]probes.Cost{}
	for _, oc := range est.Operations {
		for _, pc := range oc.Probes {
			want[oc.Op.Name()+" "+pc.Probe] = pc.Cost
		}
	}
	sent, asSent := est.Setup.Requests, est.Setup.Requests
	for _, r := range run.Results {
		sent += r.Requests
		w, ok := want[r.Operation.Name()+" "+r.Probe]
		if !ok {
			if r.Requests > 0 {
				t.Errorf("%s %s sent %d requests; the estimate has it send none", r.Operation.Name(), r.Probe, r.Requests)
			}
			continue
		}
		fixed := w.Requests - w.Conditional
		quick := min(max(r.Requests-fixed, 0), w.Conditional) // the conditional part as sent
		asSent += fixed + quick
		switch {
		case correct && (r.Requests < fixed-slack(fixed) || r.Requests > w.Requests+slack(w.Requests)):
			t.Errorf("%s %s (%s) sent %d requests; its cost method says %d, of which %d conditional", r.Operation.Name(), r.Probe, r.Verdict, r.Requests, w.Requests, w.Conditional)
		case r.Verdict == probes.Fail && w.Conditional > 0 && abs(r.Requests-fixed) > slack(fixed):
			t.Errorf("%s %s (fail) sent %d requests; its cost method says %d before the part it sends only while no defect shows", r.Operation.Name(), r.Probe, r.Requests, fixed)
		}
	}
	if served != sent {
		t.Errorf("the server answered %d requests; the check counted %d (its results' and the %d before them)", served, sent, est.Setup.Requests)
	}
	if abs(served-asSent) > asSent/10 {
		t.Errorf("the server answered %d requests; the estimate with the quick rounds as sent is %d, more than 10 %% off", served, asSent)
	}
	t.Logf("estimate %d requests (%d conditional), %d with the quick rounds as sent; the server answered %d", est.Total.Requests, est.Total.Conditional, asSent, served)
}

func abs(n int) int { return max(n, -n) }
