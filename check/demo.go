package check

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// DemoResult is one example API checked by the demo.
type DemoResult struct {
	Variant examples.Variant
	URL     string // where it was served
	Run     *report.Run
	// Failed are the ids of the probes that failed on it, sorted; Expected
	// those its flaw must trip (ExpectFail and AlsoFail among the probes
	// implemented), sorted.
	Failed, Expected []string
}

// AsExpected reports whether exactly the expected probes failed.
func (d *DemoResult) AsExpected() bool { return slices.Equal(d.Failed, d.Expected) }

// DemoOptions are the options the demo checks every example with: a second
// principal so cross-principal runs (the examples scope keys by the
// Authorization header), and every failure counted (--fail-on info).
func DemoOptions() Options {
	o := DefaultOptions()
	o.FailOn = "info"
	o.OtherHeaders = []string{"Authorization: Bearer idemcheck-demo-principal-b"}
	return o
}

// Demo serves the example v on loopback, checks it with opts (its
// document, its configuration and its URL filled in) and compares the
// probes that failed with those its flaw must trip. A probe that could not
// be carried out is an error: the demo proves nothing then.
func Demo(ctx context.Context, v examples.Variant, opts Options) (*DemoResult, error) {
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
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	doc, err := c.Load(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := c.Plan(ctx, doc)
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
			return nil, fmt.Errorf("%s %s could not be tested: %s", r.Operation.Name(), r.Probe, r.Reason)
		}
	}
	return &DemoResult{
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
