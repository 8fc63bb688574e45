package cmd

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/internal/junittest"
)

// TestJUnitOnStdoutIsOnlyXML: `check --junit -` is what a CI step pipes into
// its JUnit reader, so stdout must parse as XML from its first byte to its
// last; the terminal summary goes to stderr.
func TestJUnitOnStdoutIsOnlyXML(t *testing.T) {
	srv := httptest.NewServer(payments.New(payments.Options{Flaw: payments.FlawOptionalKey}))
	defer srv.Close()
	code, stdout, stderr := runCLI(t, "check", "--spec", specFile(t), "--base-url", srv.URL,
		"--operations", "createPayment", "--probes", "missing-key,replay", "--junit", "-", "--no-color")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitFindings, stderr)
	}
	dec := xml.NewDecoder(strings.NewReader(stdout))
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
	}
	if err := dec.Decode(&suites); err != nil {
		t.Fatalf("stdout is not a JUnit document: %v\n%s", err, stdout)
	}
	if rest := strings.TrimSpace(stdout[dec.InputOffset():]); rest != "" {
		t.Errorf("stdout has more than the XML after it: %q", rest)
	}
	junittest.CheckWithPositions(t, []byte(stdout))
	if !strings.Contains(stdout, `file="`) || !strings.Contains(stdout, `line="`) {
		t.Errorf("the testcases do not say where in the document their operation is:\n%s", stdout)
	}
	if !strings.Contains(stderr, "--fail-on major: FAILED") {
		t.Errorf("the summary is not on stderr:\n%s", stderr)
	}
	// For the Jenkins xUnit schema, which rejects positions.
	_, stdout, _ = runCLI(t, "check", "--spec", specFile(t), "--base-url", srv.URL,
		"--operations", "createPayment", "--probes", "missing-key,replay", "--junit", "-", "--junit-no-positions", "--no-color")
	junittest.Check(t, []byte(stdout))
}

// TestExitCodeAndReportsAgree: the exit code, the JSON's gate_failed and
// outcome, the JUnit outcome property and the Markdown and terminal gate
// lines all come from one outcome, for a finding, a pass and a gating error.
func TestExitCodeAndReportsAgree(t *testing.T) {
	unauthorized := func(api http.Handler) http.Handler { // every create refused: the probes cannot be carried out
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v1/payments" {
				http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
				return
			}
			api.ServeHTTP(w, r)
		})
	}
	tests := []struct {
		name       string
		handler    http.Handler
		code       ExitCode
		outcome    string
		gateFailed bool
		markdown   string
		terminal   string
	}{
		{"pass", payments.New(payments.Options{}), ExitOK, "passed", false, "`--fail-on major`: passed", "--fail-on major: passed"},
		{"finding", payments.New(payments.Options{Flaw: payments.FlawOptionalKey}), ExitFindings, "findings", true, "`--fail-on major`: **failed**", "--fail-on major: FAILED"},
		{"gating error", unauthorized(payments.New(payments.Options{})), ExitError, "untestable", true, "`--fail-on major`: **not tested**", "--fail-on major: NOT TESTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			dir := t.TempDir()
			jsonOut, junitOut, mdOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.md")
			code, stdout, stderr := runCLI(t, "check", "--spec", specFile(t), "--base-url", srv.URL,
				"--operations", "createPayment", "--probes", "missing-key,replay",
				"--json", jsonOut, "--junit", junitOut, "--markdown", mdOut, "--no-color")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			var doc struct {
				GateFailed bool   `json:"gate_failed"`
				Outcome    string `json:"outcome"`
			}
			b, err := os.ReadFile(jsonOut)
			if err != nil || json.Unmarshal(b, &doc) != nil {
				t.Fatalf("JSON report: %v\n%s", err, b)
			}
			if doc.GateFailed != tt.gateFailed || doc.Outcome != tt.outcome {
				t.Errorf("JSON gate_failed %v outcome %q; want %v %q", doc.GateFailed, doc.Outcome, tt.gateFailed, tt.outcome)
			}
			junit, _ := os.ReadFile(junitOut)
			if want := `name="idemcheck.outcome" value="` + tt.outcome + `"`; !strings.Contains(string(junit), want) {
				t.Errorf("JUnit lacks %s", want)
			}
			md, _ := os.ReadFile(mdOut)
			if !strings.Contains(string(md), tt.markdown) {
				t.Errorf("Markdown lacks %q", tt.markdown)
			}
			if !strings.Contains(stdout, tt.terminal) {
				t.Errorf("terminal summary lacks %q:\n%s", tt.terminal, stdout)
			}
		})
	}
}
