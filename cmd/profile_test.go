package cmd

import (
	"strings"
	"testing"
)

// TestCheckFlagsOfProfilesAndPrincipals: a bad --profile or --other-header
// is one usage error line (and the usage hint), exit 2, before anything is loaded or sent.
func TestCheckFlagsOfProfilesAndPrincipals(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown profile", []string{"--profile", "braintree"}, "--profile: unknown profile \"braintree\" (known: ietf, stripe, adyen, paypal, square)"},
		{"other header without colon", []string{"--other-header", "Bearer x"}, "--other-header:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"check", "--spec", "does-not-matter.yaml", "--base-url", "http://127.0.0.1:1"}, tt.args...)
			code, _, stderr := runCLI(t, args...)
			first, _, _ := strings.Cut(stderr, "\n")
			if code != ExitError || !strings.Contains(first, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and an error line containing %q", code, stderr, tt.want)
			}
		})
	}
}
