package report_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/internal/sariftest"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// TestSARIFPassesMultitool: the SARIF log of ordinary runs passes
// Microsoft's SARIF Multitool, with the SARIF rules and GitHub's (what
// GitHub Advanced Security requires), with no error and no warning:
//   - a default run of the correct example API: every probe passes or
//     skips, and no result carries cross-principal's rule (no second
//     principal), which was GH2012's "no help";
//   - a run of a broken one with a baseline accepting one finding
//     (results, suppressions);
//   - the golden log of the fixture run (positions, error notifications).
//
// The runs name a development build's version, 0.0.0-dev+<commit>.
func TestSARIFPassesMultitool(t *testing.T) {
	if sariftest.Tool() == "" {
		sariftest.Validate(t, nil) // skips, and says how to install the tool
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "report.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("golden", func(t *testing.T) { sariftest.Validate(t, golden) })
	if testing.Short() {
		t.Skip("runs the example API twice")
	}
	for _, name := range []string{"payments", "payments-no-idempotency"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run := defaultRun(t, mustVariant(t, name))
			c := run.Counts()
			if name == "payments" {
				if c.Fail != 0 || c.Error != 0 {
					t.Fatalf("%s: %+v, want every probe to pass or skip", name, c)
				}
				for _, r := range run.Results {
					if r.Probe == "cross-principal" && r.Rule != "" {
						t.Fatalf("a cross-principal result carries its rule: the run does not show a rule no result carries")
					}
				}
			} else {
				if c.Fail < 2 {
					t.Fatalf("%s: %+v, want failures", name, c)
				}
				b := report.NewBaseline(run)
				b.Findings = b.Findings[:1]
				report.ApplyBaseline(run, b, "idemcheck-baseline.json")
			}
			var buf bytes.Buffer
			if err := report.WriteSARIF(&buf, run); err != nil {
				t.Fatal(err)
			}
			sariftest.Validate(t, buf.Bytes())
		})
	}
}

// defaultRun checks every operation of v on a fresh server with the
// defaults of `idemcheck check` (one principal), as a development build.
func defaultRun(t *testing.T, v examples.Variant) *report.Run {
	t.Helper()
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	env := probes.Env{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a-" + t.Name()}}, Timeout: 10 * time.Second}
	start := time.Now()
	run := &report.Run{
		Tool: "idemcheck 0.0.0-dev+1a2b3c4", Spec: "examples/payments/openapi.yaml", BaseURL: srv.URL, Gate: probes.Major, Started: start,
		Results: probes.Run(context.Background(), planVariant(t, v), probes.All(), env),
	}
	run.Duration = time.Since(start)
	return run
}
