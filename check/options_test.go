package check

import (
	"errors"
	"reflect"
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

// TestZeroOptionsMeanTheDefaults (issue 26): Options{Spec, BaseURL} is a
// default check, validated and settled exactly as DefaultOptions with the
// same two fields; so is a plan's Options{Spec}.
func TestZeroOptionsMeanTheDefaults(t *testing.T) {
	zero := Options{Spec: "openapi.yaml", BaseURL: "http://127.0.0.1:1"}
	full := DefaultOptions()
	full.Spec, full.BaseURL = zero.Spec, zero.BaseURL
	a, err := New(zero)
	if err != nil {
		t.Fatalf("New(Options{Spec, BaseURL}): %v", err)
	}
	b, err := New(full)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.opts, b.opts) || a.s.gate != b.s.gate || a.s.env.Concurrency != b.s.env.Concurrency ||
		a.s.env.Rounds != b.s.env.Rounds || a.s.env.Timeout != b.s.env.Timeout || a.s.env.RaceMode != b.s.env.RaceMode ||
		a.s.env.RaceBudget != b.s.env.RaceBudget || a.s.profile.Name != b.s.profile.Name || len(a.s.probes) != len(b.s.probes) {
		t.Errorf("zero options settle differently from the defaults:\n%+v\n%+v", a.opts, b.opts)
	}
	if _, err := NewPlanner(Options{Spec: "openapi.yaml"}); err != nil {
		t.Errorf("NewPlanner(Options{Spec}): %v", err)
	}
}

// TestNewRejectsBadOptionsAsUsageErrors: every bad value is a *UsageError
// naming the field, before anything is read or sent. A zero value means
// the default unless the field is Explicit (a flag the user gave).
func TestNewRejectsBadOptionsAsUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		tweak  func(*Options)
		want   string
		fields []string
	}{
		{"no spec", func(o *Options) { o.Spec = "" }, "Options.Spec is required", []string{"Spec"}},
		{"no base url", func(o *Options) { o.BaseURL = "" }, "Options.BaseURL is required", []string{"BaseURL"}},
		{"rounds out of range", func(o *Options) { o.Rounds = 1001 }, "Options.Rounds must be between 1 and 1000, got 1001", []string{"Rounds"}},
		{"explicit zero concurrency", func(o *Options) { o.Concurrency, o.Explicit = 0, []string{"Concurrency"} }, "Options.Concurrency must be between 1 and 1000, got 0", []string{"Concurrency"}},
		{"bad race budget", func(o *Options) { o.RaceBudget = "soon" }, `Options.RaceBudget: "soon" is neither a number of rounds nor a duration`, []string{"RaceBudget"}},
		{"negative timeout", func(o *Options) { o.Timeout = -1 }, "Options.Timeout must be positive", []string{"Timeout"}},
		{"explicit zero timeout", func(o *Options) { o.Timeout, o.Explicit = 0, []string{"Timeout"} }, "Options.Timeout must be positive", []string{"Timeout"}},
		{"unknown profile", func(o *Options) { o.Profile = "acme" }, `Options.Profile: unknown profile "acme"`, []string{"Profile"}},
		{"explicit empty gate", func(o *Options) { o.FailOn, o.Explicit = "", []string{"FailOn"} }, "Options.FailOn: unknown severity", []string{"FailOn"}},
		{"both key places", func(o *Options) { o.KeyHeader, o.KeyField = "K", "k" }, "Options.KeyHeader and Options.KeyField exclude each other", []string{"KeyHeader", "KeyField"}},
		{"a field's name typed by the user", func(o *Options) { o.IgnoreFields = []string{"{Spec}"} }, `Options.IgnoreFields "{Spec}" is not a JSON pointer`, []string{"IgnoreFields"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Spec, opts.BaseURL = "openapi.yaml", "http://127.0.0.1:1"
			tt.tweak(&opts)
			_, err := New(opts)
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v; want a *UsageError containing %q", err, tt.want)
			}
			if !reflect.DeepEqual(ue.Fields(), tt.fields) {
				t.Errorf("Fields() = %v, want %v", ue.Fields(), tt.fields)
			}
			flags := ue.Named(func(f string) string { return "--" + strings.ToLower(f) })
			if strings.Contains(flags, "Options.") {
				t.Errorf("Named: %q still names Options", flags)
			}
		})
	}
}
