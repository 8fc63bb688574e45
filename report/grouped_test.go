package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestGroupedMarkdown pins the Markdown report of a run with more than a
// screenful of findings: the probe table first, the findings by kind with a
// count and links, the sections in the order of the kinds, the first of a
// kind with every exchange, the later ones with those that prove them, and
// bodies cut around the place the diff points at.
func TestGroupedMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, largeFixtureRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.grouped.md", buf.Bytes())
	md := buf.String()
	table, groups, sections := strings.Index(md, "| Probe | Failed |"), strings.Index(md, "## Findings by kind"), strings.Index(md, "## Findings\n")
	if table < 0 || groups < table || sections < groups {
		t.Errorf("sections out of order: probe table at %d, groups at %d, findings at %d", table, groups, sections)
	}
	if !strings.Contains(md, "### FAIL replay · critical · 30 operations") {
		t.Error("the replay failures are not one group of 30")
	}
}

// TestGroupedTerminal pins the terminal summary of the same run: a few
// lines per kind and the probe table last, above the total line.
func TestGroupedTerminal(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTerminal(&buf, largeFixtureRun(), false); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.grouped.terminal.txt", buf.Bytes())
	if n := strings.Count(buf.String(), "\n"); n > 40 {
		t.Errorf("%d lines for 48 findings of 3 kinds", n)
	}
}
