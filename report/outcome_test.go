package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/probes"
)

// TestOutcomeNeedsAProbeAtTheGate pins issue 23's rule: a run in which no
// probe at or above the gate reached a verdict on any operation is
// untestable, never passed, and says what happened instead.
func TestOutcomeNeedsAProbeAtTheGate(t *testing.T) {
	post := probes.OperationRef{ID: "createThing", Method: "POST", Path: "/things"}
	put := probes.OperationRef{ID: "putThing", Method: "PUT", Path: "/things/{id}"}
	del := probes.OperationRef{ID: "deleteThing", Method: "DELETE", Path: "/things/{id}"}
	res := func(op probes.OperationRef, probe string, sev probes.Severity, v probes.Verdict, reason string) probes.Result {
		return probes.Result{Operation: op, Probe: probe, Severity: sev, Verdict: v, Reason: reason}
	}
	const selfRef = "operation not planned: no valid request: no body could be generated"
	tests := []struct {
		name    string
		gate    probes.Severity
		shard   string
		results []probes.Result
		want    Outcome
	}{
		{
			name: "a correct API whose gating probes pass",
			gate: probes.Major,
			results: []probes.Result{
				res(post, "replay", probes.Critical, probes.Pass, "same result"),
				res(post, "mismatch-body", probes.Major, probes.Pass, "rejected with 422"),
				res(post, "spec", probes.Info, probes.Pass, "key declared"),
			},
			want: Outcome{Status: Passed},
		},
		{
			name: "no keyed operation, but natural-put and natural-delete ran",
			gate: probes.Major,
			results: []probes.Result{
				res(put, "replay", probes.Critical, probes.Skip, "the operation has no idempotency key"),
				res(put, "natural-put", probes.Major, probes.Pass, "same state"),
				res(del, "natural-delete", probes.Major, probes.Pass, "second DELETE 404"),
				res(del, "spec", probes.Info, probes.Fail, "no key declared"),
			},
			want: Outcome{Status: Passed},
		},
		{
			name: "a conformance finding caps its severity, but its probe ran at the gate",
			gate: probes.Major,
			results: []probes.Result{
				{Operation: post, Probe: "mismatch-body", Severity: probes.Minor, Class: probes.Conformance, Verdict: probes.Fail, Reason: "refused safely with 409"},
				res(post, "replay", probes.Critical, probes.Skip, "see mismatch-body"),
			},
			want: Outcome{Status: Passed},
		},
		{
			name: "issue 23: a self-referencing request schema plans nothing, only spec runs",
			gate: probes.Major,
			results: []probes.Result{
				res(post, "replay", probes.Critical, probes.Skip, selfRef),
				res(post, "concurrent", probes.Critical, probes.Skip, selfRef),
				res(post, "mismatch-body", probes.Major, probes.Skip, selfRef),
				res(post, "key-format", probes.Minor, probes.Skip, selfRef),
				res(post, "spec", probes.Info, probes.Pass, "key declared"),
			},
			want: Outcome{Untestable, "no probe at or above --fail-on major could run: 1 operation, only probes below the gate ran (spec ×1), the others skipped: " + selfRef + " (×3)"},
		},
		{
			name: "everything skipped, the commonest reasons first",
			gate: probes.Major,
			results: []probes.Result{
				res(post, "replay", probes.Critical, probes.Skip, "the operation has no idempotency key"),
				res(put, "replay", probes.Critical, probes.Skip, "the operation has no idempotency key"),
				res(put, "natural-put", probes.Major, probes.Skip, "operation not planned: a"),
				res(del, "natural-delete", probes.Major, probes.Skip, "operation not planned: b"),
				res(del, "replay", probes.Critical, probes.Skip, "the operation has no idempotency key"),
				res(post, "mismatch-target", probes.Major, probes.Skip, "operation not planned: c"),
				res(post, "key-format", probes.Minor, probes.Skip, "below the gate: not quoted"),
			},
			want: Outcome{Untestable, "no probe at or above --fail-on major could run: 3 operations, all skipped: the operation has no idempotency key (×3); operation not planned: a (×1); operation not planned: b (×1)"},
		},
		{
			name: "the gate at critical and only major probes ran",
			gate: probes.Critical,
			results: []probes.Result{
				res(put, "replay", probes.Critical, probes.Skip, "the operation has no idempotency key"),
				res(put, "natural-put", probes.Major, probes.Pass, "same state"),
			},
			want: Outcome{Untestable, "no probe at or above --fail-on critical could run: 1 operation, only probes below the gate ran (natural-put ×1), the others skipped: the operation has no idempotency key (×1)"},
		},
		{
			name: "a shard with nothing at the gate leaves it to the merge",
			gate: probes.Major, shard: "2/2",
			results: []probes.Result{
				res(post, "replay", probes.Critical, probes.Skip, selfRef),
			},
			want: Outcome{Status: Passed},
		},
		{
			name:    "no results at all",
			gate:    probes.Major,
			results: nil,
			want:    Outcome{Untestable, "no probe at or above --fail-on major could run: 0 operations, no results"},
		},
		{
			name: "a failure at the gate is a finding, whatever else skipped",
			gate: probes.Major,
			results: []probes.Result{
				res(post, "replay", probes.Critical, probes.Fail, "second effect"),
				res(post, "concurrent", probes.Critical, probes.Skip, "see replay"),
			},
			want: Outcome{Findings, "1 finding(s) at or above --fail-on major"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &Run{Gate: tt.gate, Shard: tt.shard, Results: tt.results}
			if diff := cmp.Diff(tt.want, run.Outcome()); diff != "" {
				t.Errorf("Outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMergedShardsJudgeNothingRan: two shards that each pass on their own
// because one holds nothing gate-level still make an untestable whole when
// neither ran a probe at the gate.
func TestMergedShardsJudgeNothingRan(t *testing.T) {
	a := &Run{Spec: "s.yaml", Gate: probes.Major, Shard: "1/2", Results: []probes.Result{
		{Operation: probes.OperationRef{Method: "POST", Path: "/a"}, Probe: "replay", Severity: probes.Critical, Verdict: probes.Skip, Reason: "x"},
	}}
	b := &Run{Spec: "s.yaml", Gate: probes.Major, Shard: "2/2", Results: []probes.Result{
		{Operation: probes.OperationRef{Method: "POST", Path: "/b"}, Probe: "replay", Severity: probes.Critical, Verdict: probes.Skip, Reason: "x"},
	}}
	for _, r := range []*Run{a, b} {
		if o := r.Outcome(); o.Status != Passed {
			t.Errorf("shard %s: %+v, want passed (the merge judges)", r.Shard, o)
		}
	}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if o := m.Outcome(); o.Status != Untestable {
		t.Errorf("merged: %+v, want untestable", o)
	}
}
