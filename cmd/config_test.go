package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestConfigErrors: a mistake in --config is one error line naming the
// place (file:line, or the observer and its request), exit 2, before any
// probe runs.
func TestConfigErrors(t *testing.T) {
	v, _ := examples.Lookup("payments")
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(spec, payments.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, config, want string
	}{
		{"unknown key", "operations:\n  createPayment:\n    bdy: {}\n",
			`idemcheck.yaml:3: unknown key "bdy" in operations.createPayment (known: body, error_body, expect, ignore_fields, key, path_params)`},
		{"unknown operation", "operations:\n  createPaymnt:\n    body: {}\n",
			`idemcheck.yaml:2: unknown operation "createPaymnt" in operations (known: `},
		{"pointer to nothing", "observers:\n  - name: emails\n    operations: [sendEmail]\n    get: /v1/emails/sent\n    pointer: /sent\n",
			`idemcheck.yaml:2: observer "emails": GET /v1/emails/sent: pointer /sent resolves to nothing in the response (its top-level fields: /count)`},
		{"failing command", "observers:\n  - name: rows\n    operations: [createPayment]\n    command: exit 7\n",
			`idemcheck.yaml:2: observer "rows": command "exit 7" failed: exit status 7`},
		{"failing command with a password", "observers:\n  - name: rows\n    operations: [createPayment]\n    command: PGPASSWORD=pg-s3cret-9 false\n",
			`idemcheck.yaml:2: observer "rows": command "PGPASSWORD=[redacted] false" failed: exit status 1`},
		// issue 23: a declared observer that changes by itself (each run
		// prints its shell's pid) is the user's to fix, named at preflight
		{"observer that changes by itself", "observers:\n  - name: pid\n    operations: [createPayment]\n    command: echo $$\n",
			`idemcheck.yaml:2: observer "pid": reads differently by itself (two readings 50ms apart with nothing sent in between differ: count `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(dir, "idemcheck.yaml")
			if err := os.WriteFile(cfg, []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--config", cfg, "--probes", "replay")
			line := strings.TrimSpace(stderr)
			if code != ExitError || !strings.Contains(line, tt.want) || strings.Count(line, "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line containing %q", code, stderr, tt.want)
			}
		})
	}
}

// TestConfigBodyInvalid: a configured body the document rejects skips the
// operation with a reason naming the configuration line.
func TestConfigBodyInvalid(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	cfg := filepath.Join(dir, "idemcheck.yaml")
	os.WriteFile(spec, payments.Spec, 0o644)
	os.WriteFile(cfg, []byte("operations:\n  createPayment:\n    body: {amount: -5, currency: usd}\n"), 0o644)
	code, stdout, stderr := runCLI(t, "plan", "--spec", spec, "--config", cfg, "--operations", "createPayment")
	if code != ExitOK || !strings.Contains(stdout, "the request configured in "+cfg+":2 is not valid for the document") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant a skip naming the configured line", code, stdout, stderr)
	}
}
