package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/internal/browsertest"
	"github.com/idemcheck/idemcheck/internal/junittest"
	"github.com/idemcheck/idemcheck/probes"
)

// TestThousandFindingsFitTheReaders: a run with more than 1,000 findings
// (issue 27's) writes every format within what its readers take: the
// terminal in under 500 lines, HTML under 3 MB, JUnit and SARIF under
// 5 MB and valid, JSON under 10 MB.
func TestThousandFindingsFitTheReaders(t *testing.T) {
	t.Parallel() // a run of its own
	run := thousandFindingsRun()
	if n := findingCount(run); n < 1000 {
		t.Fatalf("the fixture has %d findings", n)
	}
	formats := []struct {
		name  string
		write func(*bytes.Buffer, *Run) error
		limit int
	}{
		{"terminal", func(b *bytes.Buffer, r *Run) error { return WriteTerminal(b, r, false) }, 0},
		{"json", func(b *bytes.Buffer, r *Run) error { return WriteJSON(b, r) }, 10e6},
		{"html", func(b *bytes.Buffer, r *Run) error { return WriteHTML(b, r) }, 3e6},
		{"junit", func(b *bytes.Buffer, r *Run) error { return WriteJUnit(b, r) }, 5e6},
		{"sarif", func(b *bytes.Buffer, r *Run) error { return WriteSARIF(b, r) }, 5e6},
		{"markdown", func(b *bytes.Buffer, r *Run) error { return WriteMarkdown(b, r) }, 3e6},
	}
	for _, f := range formats {
		var b bytes.Buffer
		if err := f.write(&b, run); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		switch {
		case f.name == "terminal":
			if n := strings.Count(b.String(), "\n"); n > 500 {
				t.Errorf("terminal: %d lines", n)
			}
		case b.Len() > f.limit:
			t.Errorf("%s: %d bytes, over %d", f.name, b.Len(), f.limit)
		}
		switch f.name {
		case "junit":
			junittest.Counts(t, b.Bytes())
			junittest.ValidateSchemas(t, b.Bytes(), junittest.CISchema)
		case "sarif":
			validateSARIF(t, b.Bytes())
		}
	}
}

// TestThousandFindingsHTMLOpensFast loads the HTML report of more than
// 1,000 findings in headless Chromium and requires it to render every
// finding's section in little more time than a report of five results.
func TestThousandFindingsHTMLOpensFast(t *testing.T) {
	browser := browsertest.Require(t)
	dir := t.TempDir()
	page := func(name string, run *Run) string {
		p := filepath.Join(dir, name)
		var b bytes.Buffer
		if err := WriteHTML(&b, run); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small, large := page("small.html", fixtureRun()), page("large.html", thousandFindingsRun())
	start := time.Now()
	browsertest.DumpDOM(t, browser, small)
	base := time.Since(start)
	start = time.Now()
	dom := browsertest.DumpDOM(t, browser, large)
	took := time.Since(start)
	t.Logf("Chromium rendered the small report in %v, the 1,000-finding one in %v", base.Round(time.Millisecond), took.Round(time.Millisecond))
	if want := findingCount(thousandFindingsRun()); strings.Count(dom, `<section class="finding`) != want {
		t.Errorf("rendered %d finding sections, want %d", strings.Count(dom, `<section class="finding`), want)
	}
	if limit := base + 5*time.Second; took > limit {
		t.Errorf("the 1,000-finding report took %v to render, over %v (the small one's %v and 5s)", took, limit, base)
	}
}

// TestSARIFStaysWithinGitHubsLimits: a log of more findings than GitHub
// code scanning keeps drops the least severe, says so in a warning and in
// droppedResults, and stays valid.
func TestSARIFStaysWithinGitHubsLimits(t *testing.T) {
	t.Parallel() // a run of its own
	run := thousandFindingsRun()
	for len(run.Results) < 6*maxSARIFResults/4 {
		run.Results = append(run.Results, run.Results...)
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, run); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, b.Bytes())
	got := readSARIF(t, b.Bytes()).Runs[0]
	if len(got.Results) != maxSARIFResults {
		t.Errorf("%d results, want %d", len(got.Results), maxSARIFResults)
	}
	for _, r := range got.Results {
		if r.Level == "warning" { // key-format (minor) goes first; there are more criticals and majors than fit
			t.Errorf("a minor finding was kept over more severe ones: %s", r.RuleID)
			break
		}
	}
	fails := run.Counts().Fail
	if want := float64(fails - maxSARIFResults); got.Properties["droppedResults"] != want {
		t.Errorf("droppedResults %v, want %v", got.Properties["droppedResults"], want)
	}
	notes := got.Invocations[0].ToolExecutionNotifications
	if len(notes) == 0 || notes[len(notes)-1].Level != "warning" {
		t.Errorf("no warning says results were dropped: %+v", notes)
	}
	if b.Len() > 10<<20 {
		t.Errorf("%d bytes", b.Len())
	}
}

// TestKeepSARIFByBytes: results past the byte budget are dropped too, the
// most severe kept first and those a baseline accepts last, in their order.
func TestKeepSARIFByBytes(t *testing.T) {
	half := maxSARIFBytes / 2
	c := []sarifCandidate{
		{res: sarifResult{RuleID: "minor"}, severity: probes.Minor, size: half},
		{res: sarifResult{RuleID: "critical"}, severity: probes.Critical, size: half},
		{res: sarifResult{RuleID: "major"}, severity: probes.Major, size: half},
		{res: sarifResult{RuleID: "accepted"}, severity: probes.Critical, accepted: true, size: 10},
	}
	kept, dropped := keepSARIF(c)
	if len(kept) != 2 || kept[0].RuleID != "critical" || kept[1].RuleID != "major" || dropped != 2 {
		t.Errorf("kept %+v, dropped %d; want critical and major, 2 dropped", kept, dropped)
	}
}
