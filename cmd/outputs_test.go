package cmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestUnwritableReportSendsNothing: a report path whose folder is missing,
// or is a file, stops check before its first request: one error line that
// names the path, exit 2, and a server that saw nothing (issue 27).
func TestUnwritableReportSendsNothing(t *testing.T) {
	spec := specFile(t)
	var requests atomic.Int64
	api := payments.New(payments.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--junit", "--json", "--markdown", "--html", "--sarif"} {
		for _, path := range []string{filepath.Join(dir, "missing", "report"), filepath.Join(file, "report"), dir} {
			code, stdout, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--quiet", flag, path)
			if code != ExitError {
				t.Errorf("%s %s: exit %d, want %d\nstdout:\n%s", flag, path, code, ExitError, stdout)
			}
			if !strings.Contains(stderr, path) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%s %s: stderr %q, want one line naming the path", flag, path, stderr)
			}
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the server received %d requests", n)
	}
}

// TestMergeChecksReportsFirst: merge refuses an unwritable report before it
// reads its shards.
func TestMergeChecksReportsFirst(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing", "r.html")
	code, _, stderr := runCLI(t, "merge", "/nonexistent/shard.json", "--html", missing)
	if code != ExitError || !strings.Contains(stderr, missing) || strings.Contains(stderr, "shard.json") {
		t.Errorf("exit %d, stderr %q; want 2 naming %s, not the shard", code, stderr, missing)
	}
}

// TestDemoOutChecked: the demo's --out must be a folder it can write, or
// one it can create in an existing folder, before any example starts.
func TestDemoOutChecked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{file, filepath.Join(file, "demo"), filepath.Join(t.TempDir(), "a", "b")} {
		code, stdout, stderr := runCLI(t, "demo", "--quiet", "--out", out)
		if code != ExitError || !strings.Contains(stderr, out) && !strings.Contains(stderr, filepath.Dir(out)) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--out %s: exit %d, stderr %q", out, code, stderr)
		}
		if strings.Contains(stdout, "==>") {
			t.Errorf("--out %s: an example ran:\n%s", out, stdout)
		}
	}
}
