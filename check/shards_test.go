package check

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/report"
)

// checkShard runs a default check (the demo's options: a second principal,
// every probe) of v against a freshly started server of its own, as one CI
// job would, optionally as shard "k/n", and returns the run read back from
// its JSON report, as idemcheck merge reads it.
func checkShard(t *testing.T, v examples.Variant, shard string) *report.Run {
	t.Helper()
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	opts := Options{FailOn: "info", OtherHeaders: []string{examples.OtherPrincipal}, BaseURL: srv.URL, Shard: shard}
	opts.Spec, opts.SpecData = "examples/"+v.Name+"/openapi.yaml", v.Spec
	if v.Config != nil {
		opts.Config, opts.ConfigData = "examples/"+v.Name+"/idemcheck.yaml", v.Config
	}
	run := runCheck(t, context.Background(), opts)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	back, err := report.ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// verdictsOf maps "METHOD /path probe" to the verdict.
func verdictsOf(run *report.Run) map[string]string {
	m := map[string]string{}
	for _, r := range run.Results {
		m[r.Operation.Name()+" "+r.Probe] = string(r.Verdict)
	}
	return m
}

// TestShardsGiveTheWholeRunsVerdicts (issue 23): no verdict depends on the
// order in which probes or shards run. Every example checked whole, and as
// --shard 1/2 and 2/2 (each on its own fresh server) merged as idemcheck
// merge does, gets the same verdict for every operation and probe. Before,
// a PUT-created resource's probes acted on the document's example id, which
// existed or not depending on what had run before.
func TestShardsGiveTheWholeRunsVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every example three times")
	}
	for _, v := range examples.Variants() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			// The three runs, each on its own server, run at once, as CI's
			// jobs would: each writes only its own variable.
			var whole, first, second *report.Run
			t.Run("runs", func(t *testing.T) {
				t.Run("whole", func(t *testing.T) { t.Parallel(); whole = checkShard(t, v, "") })
				t.Run("1/2", func(t *testing.T) { t.Parallel(); first = checkShard(t, v, "1/2") })
				t.Run("2/2", func(t *testing.T) { t.Parallel(); second = checkShard(t, v, "2/2") })
			})
			if whole == nil || first == nil || second == nil {
				t.Fatal("a run failed")
			}
			merged, err := report.Merge(first, second)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(verdictsOf(whole), verdictsOf(merged)); d != "" {
				t.Errorf("merged shards disagree with the whole run (-whole +merged):\n%s", d)
			}
			if whole.Outcome().Status != merged.Outcome().Status {
				t.Errorf("outcome: whole %s, merged %s", whole.Outcome().Status, merged.Outcome().Status)
			}
		})
	}
}
