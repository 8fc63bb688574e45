package cmd

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestExpectOverridesOneExpectation pins that the configuration can change a
// single expectation of the profile for one operation: the correct example
// answers a reused key with 422, which passes under the default profile and
// fails once createPayment is told to expect 409 only: a safe refusal with
// another status is a minor conformance finding, so it fails the run only
// with --fail-on minor.
func TestExpectOverridesOneExpectation(t *testing.T) {
	srv := httptest.NewServer(payments.New(payments.Options{}))
	defer srv.Close()
	spec := specFile(t)
	tests := []struct {
		name   string
		config string
		failOn string
		want   ExitCode
	}{
		{"default expectations", "operations:\n  createPayment:\n", "minor", ExitOK},
		{"pinned to 422", "operations:\n  createPayment:\n    expect: {reuse_statuses: [422]}\n", "minor", ExitOK},
		{"pinned to 409", "operations:\n  createPayment:\n    expect: {reuse_statuses: [409]}\n", "minor", ExitFindings},
		{"pinned to 409, gate at major", "operations:\n  createPayment:\n    expect: {reuse_statuses: [409]}\n", "major", ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "idemcheck.yaml")
			os.WriteFile(cfg, []byte(tt.config), 0o644)
			code, stdout, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--config", cfg,
				"--probes", "mismatch-body", "--operations", "createPayment", "--fail-on", tt.failOn, "--no-color")
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
		})
	}
}

func TestExpectErrorsNameTheLine(t *testing.T) {
	spec := specFile(t)
	tests := []struct {
		name, config, want string
	}{
		{"unknown expectation", "operations:\n  createPayment:\n    expect:\n      reuse_status: [422]\n", "idemcheck.yaml:4: operations.createPayment.expect: unknown expectation \"reuse_status\" (known: key_header"},
		{"wrong type", "operations:\n  createPayment:\n    expect:\n      stores_errors: sometimes\n", "idemcheck.yaml:4: operations.createPayment.expect: stores_errors:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "idemcheck.yaml")
			os.WriteFile(cfg, []byte(tt.config), 0o644)
			code, _, stderr := runCLI(t, "check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--config", cfg)
			if code != ExitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
