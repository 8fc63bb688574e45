// Package demo checks the example APIs with the engine and compares what
// failed with what each example's flaw must trip: `idemcheck demo`, and
// the tests that run every example. It imports check; check imports
// nothing of the examples.
package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// Result is one example API checked by the demo.
type Result struct {
	Variant examples.Variant
	URL     string // where it was served
	Run     *report.Run
	// Failed are the ids of the probes that failed on it, sorted; Expected
	// those its flaw must trip (ExpectFail and AlsoFail among the probes
	// implemented), sorted.
	Failed, Expected []string
}

// AsExpected reports whether exactly the expected probes failed.
func (d *Result) AsExpected() bool { return slices.Equal(d.Failed, d.Expected) }

// Options are the options the demo checks every example with: the
// defaults, a second principal so cross-principal runs, and every failure
// counted (FailOn info).
func Options() check.Options {
	return check.Options{FailOn: "info", OtherHeaders: []string{examples.OtherPrincipal}}
}

// Check serves the example v on loopback, checks it with opts (its
// document, its configuration and its URL filled in) and compares the
// probes that failed with those its flaw must trip. A probe that could not
// be carried out is an error: the demo proves nothing then.
func Check(ctx context.Context, v examples.Variant, opts check.Options) (*Result, error) {
	srv, err := examples.Start(v)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	opts.BaseURL = srv.URL
	opts.Spec, opts.SpecData = "examples/"+v.Name+"/openapi.yaml", v.Spec
	if v.Config != nil {
		opts.Config, opts.ConfigData = "examples/"+v.Name+"/idemcheck.yaml", v.Config
	}
	c, err := check.New(opts)
	if err != nil {
		return nil, err
	}
	plan, err := c.LoadPlan(ctx)
	if err != nil {
		return nil, err
	}
	run, err := c.Run(ctx, plan)
	if err != nil {
		return nil, err
	}
	failed := map[string]bool{}
	for _, r := range run.Results {
		switch r.Verdict {
		case probes.Fail:
			failed[r.Probe] = true
		case probes.Error:
			run.Close()
			return nil, fmt.Errorf("%s %s could not be tested: %s", r.Operation.Name(), r.Probe, r.Reason)
		}
	}
	return &Result{
		Variant:  v,
		URL:      srv.URL,
		Run:      run,
		Failed:   slices.Sorted(maps.Keys(failed)),
		Expected: expectedFailures(v),
	}, nil
}

// expectedFailures are the probes that must fail on v: those its flaw is
// designed to trip and those it trips as a consequence, among the probes
// implemented.
func expectedFailures(v examples.Variant) []string {
	implemented := map[string]bool{}
	for _, p := range probes.All() {
		implemented[p.Meta(nil).ID] = true
	}
	var want []string
	for _, id := range slices.Concat(v.ExpectFail, v.AlsoFail) {
		if implemented[id] && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	return want
}
