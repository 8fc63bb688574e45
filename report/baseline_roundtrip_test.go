package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/report"
)

// TestBaselineRoundTrip: the findings of a flawed server become a baseline
// file; the same server checked again with it applied does not fail the
// gate and every report shows the findings as accepted; the fixed server
// checked with it lists them as fixed.
func TestBaselineRoundTrip(t *testing.T) {
	t.Parallel() // three checks, each on a server of its own
	if testing.Short() {
		t.Skip("runs the example API three times")
	}
	flawed := mustVariant(t, "payments-key-only-fingerprint")
	ops := planVariant(t, flawed)
	first := checkVariant(t, flawed, ops, nil)
	if first.Counts().Fail == 0 || !first.Failed(first.Gate) {
		t.Fatalf("the flawed server fails nothing at the gate: %+v", first.Counts())
	}

	// report.json → idemcheck baseline → baseline file → read back.
	path := filepath.Join(t.TempDir(), "idemcheck-baseline.json")
	var buf bytes.Buffer
	if err := report.WriteBaseline(&buf, report.NewBaseline(first)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := report.LoadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Findings) != first.Counts().Fail {
		t.Errorf("baseline has %d findings, the run %d failures", len(base.Findings), first.Counts().Fail)
	}

	again := checkVariant(t, flawed, ops, nil) // new server: new ids, keys, port, timings
	report.ApplyBaseline(again, base, path)
	c := again.Counts()
	if again.Failed(again.Gate) || c.Fail != 0 || c.Accepted != first.Counts().Fail || len(again.Baseline.Fixed) != 0 {
		t.Errorf("flawed server with its baseline: counts %+v, gate failed %v, fixed %d; want every failure accepted",
			c, again.Failed(again.Gate), len(again.Baseline.Fixed))
	}
	for name, write := range map[string]func(*bytes.Buffer, *report.Run) error{
		"junit":    func(b *bytes.Buffer, r *report.Run) error { return report.WriteJUnit(b, r) },
		"json":     func(b *bytes.Buffer, r *report.Run) error { return report.WriteJSON(b, r) },
		"markdown": func(b *bytes.Buffer, r *report.Run) error { return report.WriteMarkdown(b, r) },
		"html":     func(b *bytes.Buffer, r *report.Run) error { return report.WriteHTML(b, r) },
		"sarif":    func(b *bytes.Buffer, r *report.Run) error { return report.WriteSARIF(b, r) },
		"terminal": func(b *bytes.Buffer, r *report.Run) error { return report.WriteTerminal(b, r, false) },
		"github":   func(b *bytes.Buffer, r *report.Run) error { return report.WriteGitHubAnnotations(b, r) },
	} {
		var out bytes.Buffer
		if err := write(&out, again); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.ToLower(out.String()), "accepted") {
			t.Errorf("the %s report does not show the accepted findings", name)
		}
	}

	fixed := checkVariant(t, mustVariant(t, "payments"), ops, nil)
	report.ApplyBaseline(fixed, base, path)
	if got, want := len(fixed.Baseline.Fixed), len(base.Findings); got != want || fixed.Counts().Accepted != 0 {
		t.Errorf("fixed server: %d of %d baseline findings fixed, %d accepted", got, want, fixed.Counts().Accepted)
	}
	var md bytes.Buffer
	if err := report.WriteMarkdown(&md, fixed); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "## Fixed") {
		t.Error("the Markdown report of the fixed server lists nothing as fixed")
	}
}
