package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/internal/testtool"
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
	browser := findChromium()
	if browser == "" {
		testtool.Skip(t, "chromium not installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append(chromiumFlags(dir), "--dump-dom", "file://"+page)
	dom, err := exec.CommandContext(ctx, browser, args...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	run := fixtureRun()
	c := run.Counts()
	if got, want := strings.Count(string(dom), `<section class="finding`), c.Fail+c.Error; got != want {
		t.Errorf("rendered %d finding sections, want %d", got, want)
	}
	if got, want := strings.Count(string(dom), "<tr><th><code>"), len(run.Groups()); got != want {
		t.Errorf("rendered %d matrix rows, want %d", got, want)
	}
	if *screenshot != "" {
		shot, _ := filepath.Abs(*screenshot)
		args := append(chromiumFlags(dir), "--window-size=1280,2000", "--screenshot="+shot, "file://"+page)
		if out, err := exec.CommandContext(ctx, browser, args...).CombinedOutput(); err != nil {
			t.Errorf("screenshot: %v\n%s", err, out)
		}
	}
}

// findChromium returns the path of a Chromium binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromiumFlags start a headless browser that stays off the network.
func chromiumFlags(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(profile, "chromium")}
}
