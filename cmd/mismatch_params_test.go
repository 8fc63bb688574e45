package cmd

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestPlanShowsParameterVariations: plan says which parameter
// mismatch-params varies and to what, and plan --json carries it.
func TestPlanShowsParameterVariations(t *testing.T) {
	spec := specFile(t)
	code, stdout, stderr := runCLI(t, "plan", "--spec", spec)
	if code != ExitOK || !strings.Contains(stdout, "createPayment: mismatch-params varies query capture: omitted (default true) → false") {
		t.Errorf("plan: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "plan", "--spec", spec, "--json", "--operations", "createPayment")
	if code != ExitOK || !strings.Contains(stdout, `"alt_params"`) || !strings.Contains(stdout, `"name": "capture"`) {
		t.Errorf("plan --json: exit %d, output:\n%s", code, stdout)
	}
}

// TestMismatchParamsInEveryReport: a mismatch-params finding (the
// body-only-fingerprint flaw) reaches every report format with its
// parameter, the two values and the evidence.
func TestMismatchParamsInEveryReport(t *testing.T) {
	srv := httptest.NewServer(payments.New(payments.Options{Flaw: payments.FlawBodyOnlyFingerprint}))
	defer srv.Close()
	dir := t.TempDir()
	out := map[string]string{}
	args := []string{"check", "--spec", specFile(t), "--base-url", srv.URL, "--probes", "mismatch-params", "--operations", "createPayment", "--no-color", "--quiet"}
	for _, f := range []string{"junit", "json", "markdown", "html", "sarif"} {
		out[f] = filepath.Join(dir, "report."+f)
		args = append(args, "--"+f, out[f])
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d (a major finding)\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	if !strings.Contains(stdout+stderr, "mismatch-params") {
		t.Errorf("the terminal summary does not name mismatch-params:\n%s%s", stdout, stderr)
	}
	for f, p := range out {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, want := range []string{"mismatch-params", "capture=false"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the %s report lacks %q", f, want)
			}
		}
	}
}
