package demo_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/demo"
	"github.com/idemcheck/idemcheck/examples/payments"
)

// correctVariants are the correct example APIs: the catalog's (409 for an
// in-flight duplicate, waiting instead, a header limit, UUID keys) and the
// payments API whose refunds use up their payment; with slow, also the
// plain and waiting ones with handlers that take 30ms, where concurrent's
// quick rounds overlap (15s a check on this machine).
func correctVariants(slow bool) []examples.Variant {
	var vs []examples.Variant
	for _, v := range examples.Variants() {
		if len(v.ExpectFail) == 0 && len(v.AlsoFail) == 0 {
			vs = append(vs, v)
		}
	}
	with := func(name string, opts payments.Options) examples.Variant {
		return examples.Variant{Name: name, Description: name, Spec: payments.Spec, Config: payments.Config,
			Handler: func() http.Handler { return payments.New(opts) }}
	}
	vs = append(vs, with("payments-refunds-within-amount", payments.Options{RefundsWithinAmount: true}))
	if slow {
		vs = append(vs, with("payments-30ms", payments.Options{Latency: 30 * time.Millisecond}),
			with("payments-waiting-30ms", payments.Options{Latency: 30 * time.Millisecond, InFlight: payments.InFlightWait}))
	}
	return vs
}

// TestCorrectExamplesPassRepeatedly: a default check (the demo's options:
// every probe, every failure counted) of each correct example finds
// nothing and errors nowhere. Races are a matter of odds, so a false alarm
// may show only now and then: IDEMCHECK_REPEAT=20 runs every example,
// the slow ones too, 20 times (bounded by IDEMCHECK_REPEAT_TIMEOUT,
// default 30m); the default is one run of each fast one.
func TestCorrectExamplesPassRepeatedly(t *testing.T) {
	runs, slow := 1, false
	if s := os.Getenv("IDEMCHECK_REPEAT"); s != "" {
		slow = true
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			t.Fatalf("IDEMCHECK_REPEAT=%q: want a number from 1 to 1000", s)
		}
		runs = n
	}
	if testing.Short() && runs == 1 {
		t.Skip("a default check of every correct example: not in -short")
	}
	bound := 30 * time.Minute
	if s := os.Getenv("IDEMCHECK_REPEAT_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("IDEMCHECK_REPEAT_TIMEOUT=%q: want a positive duration", s)
		}
		bound = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	t.Cleanup(cancel) // after the parallel subtests, not when this function returns
	for _, v := range correctVariants(slow) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel() // a server of its own, mostly waited on
			passed := 0
			for i := range runs {
				d, err := demo.Check(ctx, v, demo.Options())
				switch {
				case err != nil:
					t.Errorf("run %d: %v", i+1, err)
				case len(d.Failed) > 0:
					for _, r := range d.Run.Results {
						if r.Verdict == "fail" {
							t.Errorf("run %d: %s %s: %s", i+1, r.Operation.Name(), r.Probe, r.Reason)
						}
					}
				default:
					passed++
				}
				if ctx.Err() != nil {
					t.Fatalf("bounded at %v after %d runs", bound, i+1)
				}
			}
			t.Logf("%s: %d of %d runs passed", v.Name, passed, runs)
		})
	}
}
