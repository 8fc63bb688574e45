package probes

import (
	"context"
	"sync"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// TestStreamTargetsEmitsEachTargetOnce: every target's results come out
// once, whole and in the order of the probes, as its probes finish; and
// cancelled ones too, as "not run" errors, so a caller that keeps nothing
// still sees every pair.
func TestStreamTargetsEmitsEachTargetOnce(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	second := createPayment()
	second.ID = "second"
	ops := []openapi.Operation{createPayment(), second}
	probes := selectProbes(t, "replay", "missing-key", "spec")
	for _, cancelled := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		if cancelled {
			cancel()
		}
		var mu sync.Mutex
		got := map[int][]Result{}
		StreamTargets(ctx, DefaultTargets(ops), probes, Env{BaseURL: srv.URL}, func(i int, rs []Result) {
			mu.Lock()
			defer mu.Unlock()
			if _, ok := got[i]; ok {
				t.Errorf("target %d emitted twice", i)
			}
			got[i] = rs
		})
		cancel()
		for i, op := range ops {
			rs := got[i]
			if len(rs) != len(probes) {
				t.Fatalf("cancelled %v: target %d: %d results, want %d", cancelled, i, len(rs), len(probes))
			}
			for j, r := range rs {
				if r.Operation.ID != op.ID || r.Probe != probes[j].Meta(nil).ID {
					t.Errorf("cancelled %v: target %d result %d is %s/%s", cancelled, i, j, r.Operation.ID, r.Probe)
				}
				if want := !cancelled || r.Verdict == Error || r.Verdict == Skip || isStatic(probes[j]); !want {
					t.Errorf("cancelled: %s %s: %s", r.Operation.ID, r.Probe, r.Verdict)
				}
			}
		}
	}
}
