package probes

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

// TestRunReportsEachOperationOnce: Config.Progress hears of every operation
// once, after all its probes ran, with the results Run returns for it.
func TestRunReportsEachOperationOnce(t *testing.T) {
	api := &lagAPI{}
	srv := api.start(t)
	ops := []openapi.Operation{lagOp("createA", "a", 1, true), lagOp("createB", "b", 2, true), lagOp("createC", "c", 3, true)}
	env := lagEnv(t, srv.URL, ops[0], ops[1:]...)
	var mu sync.Mutex
	got := map[string][]Result{}
	env.Progress = func(op *openapi.Operation, results []Result) {
		mu.Lock()
		defer mu.Unlock()
		if _, twice := got[op.ID]; twice {
			t.Errorf("%s reported twice", op.ID)
		}
		got[op.ID] = results
	}
	probes := selectProbes(t, "replay", "missing-key", "spec")
	all := Run(t.Context(), ops, probes, env)
	if len(got) != len(ops) {
		t.Fatalf("reported %d operations, want %d", len(got), len(ops))
	}
	for i, op := range ops {
		want := all[i*len(probes) : (i+1)*len(probes)]
		if diff := cmp.Diff(want, got[op.ID]); diff != "" {
			t.Errorf("%s: reported results differ from Run's (-want +got):\n%s", op.ID, diff)
		}
	}
}
