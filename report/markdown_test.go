package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

func TestWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md", buf.Bytes())
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x00") || strings.Contains(out, "s3cret") {
		t.Error("markdown report contains control characters or a password")
	}
	if n := strings.Count(out, "```"); n%2 != 0 {
		t.Errorf("unbalanced code fences: %d", n)
	}
}

// TestMarkdownFenceInBody pins that a body containing ``` cannot close the
// code block around it.
func TestMarkdownFenceInBody(t *testing.T) {
	run := &Run{Results: []probes.Result{{
		Probe: "replay", Verdict: probes.Fail,
		Evidence: []probes.Exchange{{Request: probes.RequestRecord{Method: "POST", URL: "/x", Body: "```\n# not a heading"}}},
	}}}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, run); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "````http\nPOST /x\n\n```\n# not a heading\n````") {
		t.Errorf("body not fenced with a longer fence:\n%s", buf.String())
	}
}
