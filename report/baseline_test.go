package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/internal/junittest"
	"github.com/idemcheck/idemcheck/probes"
)

// baselineRun is the fixture with its concurrent failure accepted and its
// natural-put failure fixed since a baseline that also had replay.
func baselineRun(t *testing.T) *Run {
	t.Helper()
	run, _ := baselineRunAndFile(t)
	return run
}

func baselineRunAndFile(t *testing.T) (*Run, *Baseline) {
	t.Helper()
	run := fixtureRun()
	b := NewBaseline(run)
	replay := run.Results[0] // passes in the fixture: a fixed finding
	b.Findings = append(b.Findings[:1], BaselineEntry{
		Fingerprint: Fingerprint(replay.Operation, replay.Probe), Operation: probes.OperationRef{ID: "createPayment", Method: "POST", Path: "/v1/payments"},
		Probe: "replay", Severity: probes.Critical, Reason: "two payments",
	})
	ApplyBaseline(run, b, "idemcheck-baseline.json")
	return run, b
}

func TestFingerprint(t *testing.T) {
	op := probes.OperationRef{ID: "createRefund", Method: "POST", Path: "/v1/payments/{id}/refunds", File: "a.yaml", Line: 3}
	same := []probes.OperationRef{
		{ID: "createRefund", Method: "post", Path: "/v1/payments/{paymentId}/refunds/"}, // parameter renamed, case, slash
		{ID: "renamedOperation", Method: "POST", Path: "/v1/payments/{id}/refunds", File: "b.yaml", Line: 99},
	}
	for _, o := range same {
		if Fingerprint(o, "replay") != Fingerprint(op, "replay") {
			t.Errorf("fingerprint of %+v differs from %+v", o, op)
		}
	}
	for _, o := range []probes.OperationRef{{Method: "PUT", Path: op.Path}, {Method: "POST", Path: "/v1/payments/{id}"}} {
		if Fingerprint(o, "replay") == Fingerprint(op, "replay") {
			t.Errorf("fingerprint of %+v equals %+v", o, op)
		}
	}
	if Fingerprint(op, "replay") == Fingerprint(op, "concurrent") {
		t.Error("two probes on one operation share a fingerprint")
	}
	if Fingerprint(probes.OperationRef{ID: "a"}, "replay") == Fingerprint(probes.OperationRef{ID: "b"}, "replay") {
		t.Error("operations known by ID only share a fingerprint")
	}
}

func TestNewBaseline(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, NewBaseline(fixtureRun())); err != nil {
		t.Fatal(err)
	}
	golden(t, "baseline.json", buf.Bytes())
	b, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Findings) != 2 || b.Findings[0].Operation.File != "" {
		t.Errorf("baseline findings = %+v, want the 2 failures without positions", b.Findings)
	}
}

// TestReadBaselineErrors: a malformed or stale baseline is one line saying
// what is wrong, wrapping ErrBaseline.
func TestReadBaselineErrors(t *testing.T) {
	var good bytes.Buffer
	if err := WriteBaseline(&good, NewBaseline(fixtureRun())); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, data, want string }{
		{"empty", "", "not a baseline file"},
		{"not json", "findings: []", "not a baseline file"},
		{"a report", `{"schema_version":1,"tool":"x","results":[]}`, "not a baseline file"},
		{"trailing", `{"schema_version":1,"findings":[]} {}`, "data after"},
		{"stale version", strings.Replace(good.String(), `"schema_version": 1`, `"schema_version": 2`, 1), "schema_version 2"},
		{"no version", `{"findings":[]}`, "schema_version 0"},
		{"edited fingerprint", strings.Replace(good.String(), `"fingerprint": "`, `"fingerprint": "0`, 1), "has fingerprint"},
		{"no probe", `{"schema_version":1,"findings":[{"fingerprint":"x","operation":{"id":"a"}}]}`, "has no probe"},
		{"no operation", `{"schema_version":1,"findings":[{"fingerprint":"x","probe":"replay"}]}`, "has no operation"},
		{"bad severity", strings.Replace(good.String(), `"severity": "critical"`, `"severity": "fatal"`, 1), "not a baseline file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadBaseline(strings.NewReader(tt.data))
			if !errors.Is(err, ErrBaseline) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ReadBaseline = %v, want one line wrapping ErrBaseline with %q", err, tt.want)
			}
		})
	}
	if _, err := LoadBaseline("testdata/no-such-baseline.json"); err == nil {
		t.Error("LoadBaseline of a missing file gave no error")
	}
}

func TestApplyBaseline(t *testing.T) {
	run, b := baselineRunAndFile(t)
	c := run.Counts()
	if c.Fail != 1 || c.Accepted != 1 || run.Failed(run.Gate) {
		t.Errorf("counts %+v, gate failed %v; want concurrent accepted, natural-put (minor) failing below the gate", c, run.Failed(run.Gate))
	}
	if len(run.Baseline.Fixed) != 1 || run.Baseline.Fixed[0].Probe != "replay" {
		t.Errorf("fixed = %+v, want replay", run.Baseline.Fixed)
	}
	// An error or a skip is not a fix: nothing is known.
	run.Results[0].Verdict = probes.Error
	ApplyBaseline(run, b, "b.json")
	if len(run.Baseline.Fixed) != 0 {
		t.Errorf("fixed = %+v after the probe errored", run.Baseline.Fixed)
	}
}

// TestBaselineReports pins how every format shows accepted and fixed
// findings, and checks that they agree on the counts.
func TestBaselineReports(t *testing.T) {
	run := baselineRun(t)
	c := run.Counts()
	var md, term, junit, js, html bytes.Buffer
	if err := WriteHTML(&html, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<span class="accepted">1 accepted</span>`,
		`<td class="accepted"><a href="#r1">accepted (critical)</a></td>`,
		`<h2>Fixed</h2>`,
		`<li>replay on POST /v1/payments (critical)</li>`,
		`<dt>Baseline</dt><dd><code>idemcheck-baseline.json</code>`,
	} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("html report lacks %s", want)
		}
	}
	if err := WriteMarkdown(&md, run); err != nil {
		t.Fatal(err)
	}
	golden(t, "baseline.report.md", md.Bytes())
	if err := WriteTerminal(&term, run, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "baseline.report.terminal.txt", term.Bytes())
	line := "1 passed, 1 failed, 1 accepted, 1 error, 1 skipped"
	for name, out := range map[string]string{"markdown": md.String(), "terminal": term.String()} {
		if !strings.Contains(out, line) {
			t.Errorf("%s report lacks %q", name, line)
		}
	}

	if err := WriteJUnit(&junit, run); err != nil {
		t.Fatal(err)
	}
	s := junittest.Counts(t, junit.Bytes())
	junittest.ValidateSchemas(t, junit.Bytes(), junittest.CISchema)
	skipped := 0
	for _, suite := range s.Suites {
		skipped += suite.Skipped
	}
	if s.Tests != c.Total() || s.Failures != c.Fail || s.Errors != c.Error || skipped != c.Skip+c.Accepted {
		t.Errorf("junit tests=%d failures=%d errors=%d skipped=%d, counts %+v", s.Tests, s.Failures, s.Errors, skipped, c)
	}
	if !strings.Contains(junit.String(), `<skipped message="accepted (baseline): 5 concurrent`) {
		t.Error("junit does not show the accepted failure as skipped")
	}

	if err := WriteJSON(&js, run); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		GateFailed bool   `json:"gate_failed"`
		Summary    Counts `json:"summary"`
		Baseline   struct {
			File  string          `json:"file"`
			Fixed []BaselineEntry `json:"fixed"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// The accepted failure does not fail the gate; the gate's outcome is
	// the run's (here its error), in JSON as everywhere.
	if doc.GateFailed != run.Outcome().GateFailed() || run.Failed(run.Gate) || doc.Summary != c || doc.Baseline.File != "idemcheck-baseline.json" || len(doc.Baseline.Fixed) != 1 {
		t.Errorf("json gate_failed=%v summary=%+v baseline=%+v", doc.GateFailed, doc.Summary, doc.Baseline)
	}
	back, err := ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if back.Counts() != c || back.Failed(back.Gate) || len(back.Baseline.Fixed) != 1 {
		t.Errorf("read back: counts %+v, failed %v, baseline %+v", back.Counts(), back.Failed(back.Gate), back.Baseline)
	}
}
