package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/internal/browsertest"
	"github.com/idemcheck/idemcheck/internal/junittest"
)

// runCLI runs the command line in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (ExitCode, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// specFile writes the example API's document to a temporary file.
func specFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(p, payments.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	spec := specFile(t)
	garbage := filepath.Join(t.TempDir(), "garbage.yaml")
	os.WriteFile(garbage, []byte("{{{ not yaml"), 0o644)
	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close()

	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown flag", []string{"check", "--bogus"}, "unknown flag: --bogus"},
		{"missing spec", []string{"check", "--base-url", "http://127.0.0.1:1"}, "--spec is required"},
		{"missing base url", []string{"check", "--spec", spec}, "--base-url is required"},
		{"bad fail-on", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--fail-on", "severe"}, `unknown severity "severe"`},
		{"bad probe", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--probes", "replay,nope"}, "unknown probe nope"},
		{"relative base url", []string{"check", "--spec", spec, "--base-url", "localhost:8080"}, "not an absolute http(s) URL"},
		{"credentials in base url", []string{"check", "--spec", spec, "--base-url", "http://alice:s3cr3t@127.0.0.1:1"}, "carries credentials; pass them as -H"},
		{"bad header", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "-H", "NoColon"}, "is not 'Name: value'"},
		{"bad ignore field", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--ignore-field", "created"}, "is not a JSON pointer"},
		{"zero concurrency", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--concurrency", "0"}, "--concurrency must be between 1 and 1000"},
		{"bad evidence", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--evidence", "some"}, `want bounded or full, got "some"`},
		{"bad race budget", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--race-budget", "0"}, "--race-budget: 0 rounds is not between 1 and 1000"},
		{"bad race mode", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--race-mode", "fast"}, `--race-mode: unknown race mode "fast" (want one of auto, last-byte, h2, naive)`},
		{"absent spec file", []string{"check", "--spec", "/nonexistent/openapi.yaml", "--base-url", "http://127.0.0.1:1"}, "/nonexistent/openapi.yaml"},
		{"malformed spec", []string{"plan", "--spec", garbage}, "garbage.yaml"},
		{"unreachable target", []string{"check", "--spec", spec, "--base-url", deadURL}, "is unreachable"},
		{"unknown operation", []string{"plan", "--spec", spec, "--operations", "nopeOp"}, "nopeOp"},
		{"positional argument", []string{"plan", "extra"}, "takes no arguments"},
		{"unknown command", []string{"chek"}, `unknown command "chek"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != ExitError {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitError, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.wantErr)
			}
			if lines := strings.Count(stderr, "\n"); lines != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", lines, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
		})
	}
}

func TestCheckExitCodesFollowTheGate(t *testing.T) {
	spec := specFile(t)
	tests := []struct {
		name   string
		flaw   payments.Flaw
		failOn string
		want   ExitCode
	}{
		{"correct API passes", payments.FlawNone, "info", ExitOK},
		{"race fails the default gate", payments.FlawRace, "major", ExitFindings},
		{"major finding below a critical gate", payments.FlawOptionalKey, "critical", ExitOK},
		{"major finding at the major gate", payments.FlawOptionalKey, "major", ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // a server and a folder of its own
			srv := httptest.NewServer(payments.New(payments.Options{Flaw: tt.flaw}))
			defer srv.Close()
			dir := t.TempDir()
			junit, jsonOut := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
			code, stdout, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL,
				"-H", "Authorization: Bearer secret-token", "--fail-on", tt.failOn,
				"--junit", junit, "--json", jsonOut, "--no-color")
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			for _, p := range []string{junit, jsonOut} {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatalf("report not written: %v", err)
				}
				if bytes.Contains(b, []byte("secret-token")) {
					t.Errorf("%s leaks the Authorization header", filepath.Base(p))
				}
			}
			var doc struct {
				SchemaVersion int `json:"schema_version"`
				Results       []struct{ Verdict string }
			}
			b, _ := os.ReadFile(jsonOut)
			if err := json.Unmarshal(b, &doc); err != nil || doc.SchemaVersion != 1 || len(doc.Results) == 0 {
				t.Errorf("JSON report: schema_version %d, %d results, err %v", doc.SchemaVersion, len(doc.Results), err)
			}
		})
	}
}

func TestPlanPrintsKeysAndSendsNothing(t *testing.T) {
	code, stdout, stderr := runCLI(t, "plan", "--spec", specFile(t))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"POST /v1/payments", "header Idempotency-Key (required)", "PUT /v1/customers/{id}"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "plan", "--spec", specFile(t), "--json")
	var plan struct {
		Operations []json.RawMessage `json:"operations"`
	}
	if code != ExitOK || json.Unmarshal([]byte(stdout), &plan) != nil || len(plan.Operations) == 0 {
		t.Errorf("plan --json: exit %d, output:\n%s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	if code != ExitOK || !strings.HasPrefix(stdout, "idemcheck ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

func TestDemoBehavesAsDocumented(t *testing.T) {
	t.Parallel() // the longest test here (every example, one after another), beside the others
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "demo", "--quiet", "--out", out)
	if code != ExitOK {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "UNEXPECTED") {
		t.Errorf("demo output reports an unexpected verdict:\n%s", stdout)
	}
	for _, v := range examples.Variants() {
		data, err := os.ReadFile(filepath.Join(out, v.Name+".junit.xml"))
		if err != nil {
			t.Fatalf("demo wrote no JUnit report for %s: %v", v.Name, err)
		}
		s := junittest.CheckWithPositions(t, data)
		if s.Tests == 0 || s.Errors != 0 {
			t.Errorf("%s: %d test cases, %d errors", v.Name, s.Tests, s.Errors)
		}
		// A correct example's report has no failures; a flawed one has some.
		if correct := len(v.ExpectFail) == 0; correct != (s.Failures == 0) {
			t.Errorf("%s: %d failures, but %d probes are expected to fail", v.Name, s.Failures, len(v.ExpectFail))
		}
	}
	t.Run("html report in a browser", func(t *testing.T) { demoReportInABrowser(t, out) })
}

// updateDocs rewrites golden files: docs/demo-report.png from the demo's
// HTML report, and the plan outputs under testdata (plan_chain_test.go).
var updateDocs = flag.Bool("update", false, "rewrite golden files: docs/demo-report.png, the README's picture, from a demo HTML report rendered in Chromium, and cmd/testdata/plan-*")

// demoReportInABrowser renders the HTML report of a flawed demo example in
// headless Chromium: every failed probe is a finding section. With -update
// its screenshot becomes the README's picture.
func demoReportInABrowser(t *testing.T, out string) {
	browser := browsertest.Require(t)
	page, err := filepath.Abs(filepath.Join(out, "payments-no-idempotency.html"))
	if err != nil {
		t.Fatal(err)
	}
	dom := browsertest.DumpDOM(t, browser, page)
	if n := strings.Count(dom, `<section class="finding`); n < 5 {
		t.Errorf("the rendered report has %d finding sections; the flaw fails at least 5 probes", n)
	}
	if *updateDocs {
		browsertest.Screenshot(t, browser, page, filepath.Join("..", "docs", "demo-report.png"), 1280, 1500)
	}
}

// TestErroredProbeAtTheGateIsNotAPass pins the run-level rule: when a probe
// at or above --fail-on could not be carried out (here: the server refuses
// every keyed request without credentials it never gets), the run exits 2
// rather than passing a gate whose checks did not run; below the gate, an
// error is reported but does not decide the exit code.
func TestErroredProbeAtTheGateIsNotAPass(t *testing.T) {
	api := payments.New(payments.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payments" {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	spec := specFile(t)
	code, _, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--probes", "replay,missing-key", "--no-color")
	if code != ExitError || !strings.Contains(stderr, "could not be carried out") {
		t.Errorf("exit %d, stderr %q; want 2 and the reason", code, stderr)
	}
	// missing-key is major: with the gate at critical its error is reported
	// but does not decide the exit code, while replay (critical) passes
	// beside it. Here the server throttles every request without a key, so
	// missing-key cannot tell anything.
	throttled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") == "" {
			http.Error(w, `{"error":"slow down"}`, http.StatusTooManyRequests)
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer throttled.Close()
	code, _, stderr = runCLI(t, "check", "--spec", spec, "--base-url", throttled.URL, "--probes", "missing-key,spec,replay", "--operations", "createPayment", "--fail-on", "critical", "--no-color")
	if code != ExitOK {
		t.Errorf("an error below the gate: exit %d, want 0; stderr %q", code, stderr)
	}
	// issue 23: without replay, nothing at or above the gate ran: that is
	// no pass.
	code, _, stderr = runCLI(t, "check", "--spec", spec, "--base-url", throttled.URL, "--probes", "missing-key,spec", "--operations", "createPayment", "--fail-on", "critical", "--no-color")
	if want := "no probe at or above --fail-on critical could run: 1 operation, only probes below the gate ran (missing-key ×1, spec ×1)"; code != ExitError || !strings.Contains(stderr, want) {
		t.Errorf("nothing at the gate ran: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}
