package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

func TestWriteGitHubAnnotations(t *testing.T) {
	run := fixtureRun()
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, run); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.annotations.txt", buf.Bytes())
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	c := run.Counts()
	if len(lines) != c.Fail+c.Accepted+c.Error {
		t.Errorf("%d annotations, want one per failure and error (%d)", len(lines), c.Fail+c.Accepted+c.Error)
	}
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\x1b") {
			t.Errorf("annotation has a raw CR or escape: %q", l)
		}
	}
}

// TestWriteGitHubAnnotationsBaseline: an accepted failure is a notice, not
// an error; a spec position falls back to the spec file.
func TestWriteGitHubAnnotationsBaseline(t *testing.T) {
	run := &Run{Spec: "./api/openapi.yaml", Gate: probes.Major, Results: []probes.Result{
		{Operation: probes.OperationRef{Method: "POST", Path: "/a"}, Probe: "replay", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two", Accepted: true},
		{Operation: probes.OperationRef{Method: "POST", Path: "/b"}, Probe: "replay", Verdict: probes.Pass},
	}}
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, run); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=api/openapi.yaml,title=replay (critical%2C accepted in the baseline)::POST /a: two%0A(accepted in the baseline: it does not fail the gate)\n"
	if buf.String() != want {
		t.Errorf("annotations:\n got %q\nwant %q", buf.String(), want)
	}
}

// TestGitHubAnnotationsWorkspace: an absolute path inside the checkout is
// made relative to it; one outside is left as it is.
func TestGitHubAnnotationsWorkspace(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "repo")
	run := &Run{Gate: probes.Major, Results: []probes.Result{
		{Operation: probes.OperationRef{Method: "POST", Path: "/a", File: filepath.Join(ws, "api", "openapi.yaml"), Line: 4}, Probe: "replay", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two"},
		{Operation: probes.OperationRef{Method: "POST", Path: "/b", File: filepath.Join(ws+"-other", "x.yaml"), Line: 5}, Probe: "replay", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two"},
	}}
	var buf bytes.Buffer
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": ws}
	if err := GitHubActions(func(k string) string { return env[k] }, &buf, run); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if !strings.HasPrefix(lines[0], "::error file=api/openapi.yaml,line=4,") {
		t.Errorf("inside the workspace: %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "::error file="+escapeProperty(filepath.ToSlash(filepath.Join(ws+"-other", "x.yaml")))+",line=5,") {
		t.Errorf("outside the workspace: %q", lines[1])
	}
}

func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, data, property string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"file=x,line=1::boom", "file=x,line=1::boom", "file=x%2Cline=1%3A%3Aboom"},
		{"%0A", "%250A", "%250A"}, // an escape sequence in the input is not decoded
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

func TestGitHubActions(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "step_summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	var out bytes.Buffer
	if err := GitHubActions(func(k string) string { return env[k] }, &out, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "::error ") {
		t.Errorf("no annotations written: %q", out.String())
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "earlier step\n"+md.String() {
		t.Error("the step summary is not the earlier content followed by the Markdown report")
	}

	out.Reset()
	if err := GitHubActions(func(string) string { return "" }, &out, fixtureRun()); err != nil || out.Len() > 0 {
		t.Errorf("outside GitHub Actions: wrote %q, err %v", out.String(), err)
	}
}

// TestAppendGitHubSummaryCap: a report over GitHub's 1 MiB limit is cut
// with a note, never refused.
func TestAppendGitHubSummaryCap(t *testing.T) {
	run := &Run{}
	reason := strings.Repeat("x", 2000)
	for i := range 1200 {
		run.Results = append(run.Results, probes.Result{Operation: probes.OperationRef{ID: "op" + string(rune('a'+i%26))}, Probe: "replay", Verdict: probes.Fail, Reason: reason})
	}
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := AppendGitHubSummary(path, run); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Issue 27: a large run's summary keeps its grouped findings first and
	// leaves out the sections that do not fit, saying so.
	md := string(got)
	if len(got) > 1<<20 || !strings.Contains(md, "GitHub limits a step summary to 1 MiB") {
		t.Errorf("summary is %d bytes, note present: %v", len(got), strings.Contains(md, "GitHub limits a step summary to 1 MiB"))
	}
	if g, f := strings.Index(md, "## Findings by kind"), strings.Index(md, "## Findings\n"); g < 0 || f < g {
		t.Errorf("the grouped findings do not come first (at %d, the sections at %d)", g, f)
	}
}
