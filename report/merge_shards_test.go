package report_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// checkVariant runs every probe on ops against a fresh server of v, with
// planned as every planned operation (the whole run, for a shard), as one
// CI job would, and returns the run read back from its JSON report.
func checkVariant(t *testing.T, v examples.Variant, ops, planned []openapi.Operation) *report.Run {
	t.Helper()
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	env := probes.Config{
		BaseURL:     srv.URL,
		Header:      http.Header{"Authorization": {"Bearer a-" + t.Name()}},
		OtherHeader: http.Header{"Authorization": {"Bearer b-" + t.Name()}},
		Timeout:     10 * time.Second,
		Planned:     probes.DefaultTargets(planned),
	}
	start := time.Now()
	run := &report.Run{
		Tool: "idemcheck test", Spec: "examples/payments/openapi.yaml", BaseURL: srv.URL, Gate: probes.Major,
		Started: start, Results: probes.Run(context.Background(), ops, probes.All(), env),
	}
	run.Duration = time.Since(start)
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

// planVariant plans every operation of v's document.
func planVariant(t *testing.T, v examples.Variant) []openapi.Operation {
	t.Helper()
	ctx := context.Background()
	doc, err := openapi.LoadData(ctx, v.Spec, "openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// verdicts maps "operation probe" to the verdict (and acceptance).
func verdicts(run *report.Run) map[string]string {
	m := map[string]string{}
	for _, r := range run.Results {
		v := string(r.Verdict)
		if r.Accepted {
			v += " (accepted)"
		}
		m[r.Operation.Name()+" "+r.Probe] = v
	}
	return m
}

// TestMergeShards: the example API with a flaw that only a probe reaching
// across operations finds (mismatch-target reuses a key on another
// payment, created through another operation), checked whole and as two
// shards on their own servers: the merged shards give the same verdicts,
// counts and gate as the whole run.
func TestMergeShards(t *testing.T) {
	t.Parallel() // three checks, each on a server of its own
	if testing.Short() {
		t.Skip("runs the example API three times")
	}
	v, ok := examples.Lookup("payments-path-blind-fingerprint")
	if !ok {
		t.Fatal("no example payments-path-blind-fingerprint")
	}
	ops := planVariant(t, v)
	whole := checkVariant(t, v, ops, nil)

	var shards []*report.Run
	for k := 1; k <= 2; k++ {
		shard, err := probes.Shard(ops, k, 2, probes.ObserverKey(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(shard) == 0 || len(shard) == len(ops) {
			t.Fatalf("shard %d/2 has %d of %d operations", k, len(shard), len(ops))
		}
		shards = append(shards, checkVariant(t, v, shard, ops))
	}
	merged, err := report.Merge(shards...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(verdicts(whole), verdicts(merged)); diff != "" {
		t.Errorf("merged shards disagree with the whole run (-whole +merged):\n%s", diff)
	}
	if whole.Counts() != merged.Counts() || whole.Failed(whole.Gate) != merged.Failed(merged.Gate) {
		t.Errorf("whole run %+v failed=%v, merged %+v failed=%v", whole.Counts(), whole.Failed(whole.Gate), merged.Counts(), merged.Failed(merged.Gate))
	}
	if verdicts(whole)["POST /v1/payments/{id}/refunds mismatch-target"] != "fail" {
		t.Errorf("mismatch-target on refunds did not fail in the whole run: the test shows nothing; verdicts %v", verdicts(whole))
	}
	if merged.Duration < shards[0].Duration || merged.Duration < shards[1].Duration {
		t.Errorf("merged duration %s shorter than a shard's (%s, %s)", merged.Duration, shards[0].Duration, shards[1].Duration)
	}

	// Overlapping shards are refused.
	if _, err := report.Merge(shards[0], shards[0]); err == nil {
		t.Error("Merge accepted the same shard twice")
	}
}

func mustVariant(t *testing.T, name string) examples.Variant {
	t.Helper()
	v, ok := examples.Lookup(name)
	if !ok {
		t.Fatalf("no example %s", name)
	}
	return v
}
