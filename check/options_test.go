package check

import (
	"errors"
	"strings"
	"testing"
)

func TestNewAcceptsEveryProfile(t *testing.T) {
	for _, name := range []string{"ietf", "stripe", "adyen", "paypal", "square", "Stripe"} {
		opts := DefaultOptions()
		opts.Spec, opts.BaseURL, opts.Profile = "openapi.yaml", "http://127.0.0.1:1", name
		opts.OtherHeaders = []string{"Authorization: Bearer b"}
		c, err := New(opts)
		if err != nil {
			t.Fatalf("--profile %s: %v", name, err)
		}
		if !strings.EqualFold(c.s.env.Profile.Name, name) || c.s.env.OtherHeader.Get("Authorization") != "Bearer b" {
			t.Errorf("--profile %s: env has profile %q, other header %v", name, c.s.env.Profile.Name, c.s.env.OtherHeader)
		}
	}
}

// TestNewRejectsBadOptionsAsUsageErrors: every bad value is a *UsageError
// naming the flag, before anything is read or sent.
func TestNewRejectsBadOptionsAsUsageErrors(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(*Options)
		want  string
	}{
		{"no spec", func(o *Options) { o.Spec = "" }, "--spec is required"},
		{"no base url", func(o *Options) { o.BaseURL = "" }, "--base-url is required"},
		{"zero rounds", func(o *Options) { o.Rounds = 0 }, "--rounds must be between 1 and 1000"},
		{"bad race budget", func(o *Options) { o.RaceBudget = "soon" }, `--race-budget: "soon" is neither a number of rounds nor a duration`},
		{"zero timeout", func(o *Options) { o.Timeout = 0 }, "--timeout must be positive"},
		{"unknown profile", func(o *Options) { o.Profile = "acme" }, `--profile: unknown profile "acme"`},
		{"unknown gate", func(o *Options) { o.FailOn = "" }, "--fail-on: unknown severity"},
		{"both key places", func(o *Options) { o.KeyHeader, o.KeyField = "K", "k" }, "exclude each other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Spec, opts.BaseURL = "openapi.yaml", "http://127.0.0.1:1"
			tt.tweak(&opts)
			_, err := New(opts)
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v; want a *UsageError containing %q", err, tt.want)
			}
		})
	}
}
