package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/idemcheck/idemcheck/probes"
)

func TestRunCounts(t *testing.T) {
	run := fixtureRun()
	run.Results = append(run.Results, probes.Result{Probe: "x", Verdict: "bogus"})
	want := Counts{Pass: 1, Fail: 2, Error: 2, Skip: 1}
	if diff := cmp.Diff(want, run.Counts()); diff != "" {
		t.Errorf("Counts() (-want +got):\n%s", diff)
	}
	if got := run.Counts().Total(); got != len(run.Results) {
		t.Errorf("Total() = %d, want %d", got, len(run.Results))
	}
}

func TestRunFailed(t *testing.T) {
	fail := func(s probes.Severity) probes.Result { return probes.Result{Verdict: probes.Fail, Severity: s} }
	tests := []struct {
		name    string
		results []probes.Result
		gate    probes.Severity
		want    bool
	}{
		{"no results", nil, probes.Info, false},
		{"minor failure, gate info", []probes.Result{fail(probes.Minor)}, probes.Info, true},
		{"minor failure, gate minor", []probes.Result{fail(probes.Minor)}, probes.Minor, true},
		{"minor failure, gate major", []probes.Result{fail(probes.Minor)}, probes.Major, false},
		{"critical failure, gate critical", []probes.Result{fail(probes.Minor), fail(probes.Critical)}, probes.Critical, true},
		{"critical error does not fail", []probes.Result{{Verdict: probes.Error, Severity: probes.Critical}}, probes.Info, false},
		{"critical pass does not fail", []probes.Result{{Verdict: probes.Pass, Severity: probes.Critical}}, probes.Info, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &Run{Results: tt.results}
			if got := run.Failed(tt.gate); got != tt.want {
				t.Errorf("Failed(%v) = %v, want %v", tt.gate, got, tt.want)
			}
		})
	}
}

func TestRunGroups(t *testing.T) {
	a := probes.OperationRef{ID: "a", Method: "POST", Path: "/a"}
	b := probes.OperationRef{ID: "b", Method: "PUT", Path: "/b"}
	r := func(op probes.OperationRef, probe string) probes.Result {
		return probes.Result{Operation: op, Probe: probe}
	}
	run := &Run{Results: []probes.Result{r(b, "replay"), r(a, "replay"), r(b, "concurrent"), r(a, "spec")}}
	want := []Group{
		{Operation: b, Results: []probes.Result{r(b, "replay"), r(b, "concurrent")}},
		{Operation: a, Results: []probes.Result{r(a, "replay"), r(a, "spec")}},
	}
	if diff := cmp.Diff(want, run.Groups(), cmpopts.IgnoreUnexported(Group{})); diff != "" {
		t.Errorf("Groups() (-want +got):\n%s", diff)
	}
}

func TestDisplayBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://localhost:8080", "http://localhost:8080"},
		{"https://user:pw@api.example.com/v1", "https://REDACTED@api.example.com/v1"},
		{"https://token@api.example.com", "https://REDACTED@api.example.com"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := (&Run{BaseURL: tt.in}).displayBaseURL(); got != tt.want {
			t.Errorf("displayBaseURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
