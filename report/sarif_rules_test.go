package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/probes"
)

// sarifRuleView is what a SARIF reader sees of a rule.
type sarifRuleView struct {
	ID                   string
	ShortDescription     struct{ Text string }
	FullDescription      *struct{ Text string }
	Help                 *struct{ Text, Markdown string }
	DefaultConfiguration struct{ Level string }
}

// sarifDriverOf writes run as SARIF and reads its driver back.
func sarifDriverOf(t *testing.T, run *Run) (driver struct {
	Name, Version, SemanticVersion string
	Rules                          []sarifRuleView
}) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	var log struct {
		Runs []struct {
			Tool struct{ Driver json.RawMessage }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(log.Runs[0].Tool.Driver, &driver); err != nil {
		t.Fatal(err)
	}
	return driver
}

// TestSARIFRulesFromCatalogue: every probe of the catalogue has a rule
// with a full description and help, in catalogue order, also one no
// result carries (error-replay was GH2012's "no help" on an ordinary run);
// a rule is worded as the run's results word it (their profile), its level
// is the probe's severity even when its first failure is a conformance
// finding (capped at minor), and a probe the catalogue does not know comes
// after it, described by its title.
func TestSARIFRulesFromCatalogue(t *testing.T) {
	stripe, err := probes.LookupProfile("stripe")
	if err != nil {
		t.Fatal(err)
	}
	marker := probes.All()[0]
	for _, p := range probes.All() {
		if p.Meta(nil).ID == "replay-marker" {
			marker = p
		}
	}
	op := probes.OperationRef{ID: "createPayment", Method: "POST", Path: "/v1/payments"}
	run := &Run{Tool: "idemcheck 1.2.0", Results: []probes.Result{
		{Operation: op, Probe: "replay", Title: "old title", Verdict: probes.Fail, Class: probes.Conformance, Severity: probes.Minor, Reason: "r"},
		{Operation: op, Probe: "replay-marker", Verdict: probes.Skip, Severity: probes.Info, Reason: "not applicable"},
		{Operation: op, Probe: "replay-marker", Verdict: probes.Pass, Severity: probes.Info, Reason: "marked",
			Rule: marker.Meta(stripe).Rule, Fix: marker.Meta(stripe).Fix},
		{Operation: op, Probe: "from-the-future", Title: "a probe of a later version", Verdict: probes.Fail, Severity: probes.Major, Reason: "r"},
	}}
	rules := sarifDriverOf(t, run).Rules

	all := probes.All()
	if len(rules) != len(all)+1 {
		t.Fatalf("%d rules, want the catalogue's %d and one more", len(rules), len(all))
	}
	for i, p := range all {
		m, r := p.Meta(nil), rules[i]
		if r.ID != m.ID || r.ShortDescription.Text != m.Title || r.FullDescription == nil || r.Help == nil || r.Help.Markdown == "" {
			t.Errorf("rule %d = %+v, want %s with a title, a full description and help", i, r, m.ID)
			continue
		}
		if m.ID == "replay-marker" {
			m = p.Meta(stripe)
		}
		if r.FullDescription.Text != m.Rule || r.Help.Text != "Rule: "+m.Rule+"\nFix: "+m.Fix {
			t.Errorf("%s: full description %q and help %q, want the rule and fix %q, %q", m.ID, r.FullDescription.Text, r.Help.Text, m.Rule, m.Fix)
		}
		if want := sarifLevel(m.Severity); r.DefaultConfiguration.Level != want {
			t.Errorf("%s: level %s, want %s", m.ID, r.DefaultConfiguration.Level, want)
		}
	}
	extra := rules[len(all)]
	if extra.ID != "from-the-future" || extra.FullDescription == nil || extra.FullDescription.Text != "a probe of a later version" ||
		extra.Help == nil || extra.Help.Text != "a probe of a later version" || extra.DefaultConfiguration.Level != "error" {
		t.Errorf("unknown probe's rule = %+v", extra)
	}
}

// TestSARIFToolVersion: the version is the one the run's Tool carries, a
// Go module version without its "v" (SARIF readers want a number first),
// and also the semantic version when it is one, as a development build's
// 0.0.0-dev+<commit> is.
func TestSARIFToolVersion(t *testing.T) {
	tests := []struct{ tool, version, semantic string }{
		{"idemcheck 0.0.0-dev+1a2b3c4", "0.0.0-dev+1a2b3c4", "0.0.0-dev+1a2b3c4"},
		{"idemcheck v1.2.0", "1.2.0", "1.2.0"},
		{"idemcheck 1.2.0-rc.1", "1.2.0-rc.1", "1.2.0-rc.1"},
		{"idemcheck v1.2", "v1.2", ""},
		{"idemcheck dev", "dev", ""},
		{"idemcheck", "", ""},
	}
	for _, tt := range tests {
		d := sarifDriverOf(t, &Run{Tool: tt.tool})
		got := []string{d.Name, d.Version, d.SemanticVersion}
		if diff := cmp.Diff([]string{"idemcheck", tt.version, tt.semantic}, got); diff != "" {
			t.Errorf("%q: name, version, semantic version (-want +got):\n%s", tt.tool, diff)
		}
	}
}
