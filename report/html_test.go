package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/internal/browsertest"
)

func TestWriteHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", buf.Bytes())
	out := buf.String()
	for _, bad := range []string{"s3cret", "\x1b", "<script"} {
		if strings.Contains(out, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
}

func TestWriteHTMLEscapesServerText(t *testing.T) {
	run := fixtureRun()
	for i := range run.Results {
		r := &run.Results[i]
		r.Reason = `<img src=x onerror=alert(1)>`
		for _, x := range r.Evidence {
			if x.Response != nil {
				x.Response.Body = `</pre><script>alert(1)</script>`
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, run); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img src=x", "<script>alert"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("server text %q reached the page unescaped", bad)
		}
	}
}

func TestWriteHTMLReturnsWriteErrors(t *testing.T) {
	if err := WriteHTML(&failingWriter{after: 0}, fixtureRun()); err == nil {
		t.Error("a failing writer produced no error")
	}
}

// TestHTMLRendersInABrowser loads the report in headless Chromium and checks
// the rendered DOM: the matrix, the findings and the skips are all there.
// It skips only where no Chromium is installed (CI installs it: .ci/run).
func TestHTMLRendersInABrowser(t *testing.T) {
	browser := browsertest.Require(t)
	page := filepath.Join(t.TempDir(), "report.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browsertest.DumpDOM(t, browser, page)
	run := fixtureRun()
	c := run.Counts()
	if got, want := strings.Count(dom, `<section class="finding`), c.Fail+c.Error; got != want {
		t.Errorf("rendered %d finding sections, want %d", got, want)
	}
	if got, want := strings.Count(dom, "<tr><th><code>"), len(run.Groups()); got != want {
		t.Errorf("rendered %d matrix rows, want %d", got, want)
	}
	if *screenshot != "" {
		browsertest.Screenshot(t, browser, page, *screenshot, 1280, 2000)
	}
}
