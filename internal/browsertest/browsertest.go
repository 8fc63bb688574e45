// Package browsertest renders HTML pages in headless Chromium for tests: the
// HTML report must render in a real browser, and its screenshot in docs/ is
// taken by a test, not by hand.
package browsertest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Find returns the path of a Chromium binary, or "" when none is installed.
func Find() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require returns Chromium's path, or skips t saying how to install it.
func Require(t testing.TB) string {
	t.Helper()
	b := Find()
	if b == "" {
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	return b
}

// flags start a headless browser that stays off the network, with its
// profile in dir.
func flags(dir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "chromium")}
}

// DumpDOM loads the page file and returns the DOM after rendering.
func DumpDOM(t testing.TB, browser, page string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append(flags(t.TempDir()), "--dump-dom", "file://"+page)
	dom, err := exec.CommandContext(ctx, browser, args...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", page, err)
	}
	return string(dom)
}

// Screenshot renders the page file into a PNG at out, width×height pixels.
func Screenshot(t testing.TB, browser, page, out string, width, height int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	shot, err := filepath.Abs(out)
	if err != nil {
		t.Fatal(err)
	}
	args := append(flags(t.TempDir()), fmt.Sprintf("--window-size=%d,%d", width, height), "--hide-scrollbars", "--screenshot="+shot, "file://"+page)
	if b, err := exec.CommandContext(ctx, browser, args...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, b)
	}
}
