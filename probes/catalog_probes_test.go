package probes

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// createRefund is the planned POST /v1/payments/{id}/refunds of the example
// API, on the seed payment every caller sees.
func createRefund() openapi.Operation {
	return openapi.Operation{
		ID:     "createRefund",
		Method: "POST",
		Path:   "/v1/payments/{id}/refunds",
		Key:    openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: "/v1/payments/" + payments.SeedPaymentID + "/refunds",
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 10}}},
		Collection: &openapi.Collection{Path: "/v1/payments/" + payments.SeedPaymentID + "/refunds"},
	}
}

// declining is createPayment with the example's business error request.
func declining() openapi.Operation {
	op := createPayment()
	op.ErrorBody = &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": payments.DeclinedAmount, "currency": "usd"}}
	return op
}

// runProbe runs one probe on op (with createPayment and createRefund as the
// other planned operations) against the example API with flaw.
func runProbe(t *testing.T, flaw payments.Flaw, id string, op openapi.Operation, tweak func(*Config)) Result {
	t.Helper()
	srv := startPayments(t, flaw)
	env := Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a-" + t.Name()}}, Timeout: 5 * time.Second,
		OtherHeader: http.Header{"Authorization": {"Bearer b-" + t.Name()}}}
	env.Planned = DefaultTargets([]openapi.Operation{createPayment(), createRefund()})
	if tweak != nil {
		tweak(&env)
	}
	p, err := Select([]string{id})
	if err != nil {
		t.Fatal(err)
	}
	rs := Run(context.Background(), []openapi.Operation{op}, p, env)
	return rs[0]
}

// TestCatalogProbesCatchTheirFlaw: each probe fails on the flaw made for it
// (with evidence) and passes on the correct server and on a flaw it must
// not confuse with its own.
func TestCatalogProbesCatchTheirFlaw(t *testing.T) {
	tests := []struct {
		probe  string
		op     func() openapi.Operation
		flaw   payments.Flaw
		want   Verdict
		reason string // a substring of the reason
	}{
		{"mismatch-target", createRefund, payments.FlawNone, Pass, "rejected (422)"},
		{"mismatch-target", createRefund, payments.FlawPathBlindFingerprint, Fail, "R's stored result"},
		{"mismatch-target", createRefund, payments.FlawKeyOnlyFingerprint, Pass, "rejected (422)"},
		{"mismatch-target", createPayment, payments.FlawNone, Pass, "operation createRefund: processed on its own"},
		{"key-format", createPayment, payments.FlawNone, Pass, "without a server error"},
		{"key-format", createPayment, payments.FlawUnvalidatedKey, Fail, "64 KiB key: server error 500"},
		{"key-format", createPayment, payments.FlawNoIdempotency, Fail, "empty key: accepted"},
		{"cross-principal", createPayment, payments.FlawNone, Pass, "processed on its own"},
		{"cross-principal", createPayment, payments.FlawKeysNotScopedToCaller, Fail, "data leak"},
		{"cross-principal", createRefund, payments.FlawKeysNotScopedToCaller, Fail, "data leak"},
		{"replay-marker", createPayment, payments.FlawNone, Pass, "Idempotent-Replayed: true"},
		{"replay-marker", createPayment, payments.FlawNoReplayHeader, Fail, "carries no Idempotent-Replayed"},
		{"error-replay", declining, payments.FlawNone, Pass, "stored error (402"},
		{"error-replay", declining, payments.FlawErrorsNotStored, Fail, "failed with 402 and its unchanged retry with the same key was processed (201)"},
		{"error-replay", declining, payments.FlawNoIdempotency, Pass, "402"},
	}
	for _, tt := range tests {
		t.Run(tt.probe+"/"+string(tt.flaw)+"/"+tt.op().ID, func(t *testing.T) {
			t.Parallel()
			r := runProbe(t, tt.flaw, tt.probe, tt.op(), nil)
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want %s containing %q; diffs: %v", r.Verdict, r.Reason, tt.want, tt.reason, r.Diffs)
			}
			if r.Rule == "" || r.Fix == "" {
				t.Errorf("rule %q, fix %q: both must be set", r.Rule, r.Fix)
			}
			if r.Verdict == Fail && len(r.Evidence) < 2 {
				t.Errorf("a failure with %d exchanges of evidence; the control and the treatment are needed", len(r.Evidence))
			}
		})
	}
}

func TestCatalogProbesSkipWithReason(t *testing.T) {
	tests := []struct {
		name, probe string
		op          openapi.Operation
		tweak       func(*Config)
		reason      string
	}{
		{"no second principal", "cross-principal", createPayment(), func(e *Config) { e.OtherHeader = nil }, "--other-header"},
		{"no error request", "error-replay", createPayment(), nil, openapi.ErrorBodyExtension},
		{"no other target", "mismatch-target", createPayment(), func(e *Config) { e.Planned = DefaultTargets([]openapi.Operation{createPayment()}) }, "no other planned operation"},
		{"error request succeeds", "error-replay", func() openapi.Operation {
			op := createPayment()
			op.ErrorBody = op.Request.Body
			return op
		}(), nil, "does not fail with a 4xx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runProbe(t, payments.FlawNone, tt.probe, tt.op, tt.tweak)
			if r.Verdict != Skip || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("verdict %s (%s), want skip containing %q", r.Verdict, r.Reason, tt.reason)
			}
		})
	}
}

// TestMismatchTargetCreatesARealSecondResource pins how the second target
// is found: a payment created by the parent POST, not a guessed id.
func TestMismatchTargetCreatesARealSecondResource(t *testing.T) {
	r := runProbe(t, payments.FlawNone, "mismatch-target", createRefund(), nil)
	var setup *Exchange
	for i, ex := range r.Evidence {
		if strings.HasPrefix(ex.Label, "setup:") {
			setup = &r.Evidence[i]
		}
	}
	if setup == nil || setup.Response == nil || setup.Response.Status != http.StatusCreated || !strings.HasSuffix(setup.Request.URL, "/v1/payments") {
		t.Fatalf("no successful setup POST /v1/payments in the evidence: %+v", setup)
	}
}

// TestKeyFormatShortensHugeKeysInEvidence: a 64 KiB key must not make a
// 64 KiB report.
func TestKeyFormatShortensHugeKeysInEvidence(t *testing.T) {
	r := runProbe(t, payments.FlawNone, "key-format", createPayment(), nil)
	for _, ex := range r.Evidence {
		for _, v := range ex.Request.Header["Idempotency-Key"] {
			if len(v) > 400 {
				t.Errorf("%s: key of %d bytes kept in evidence", ex.Label, len(v))
			}
		}
	}
	if !strings.Contains(strings.Join(r.Diffs, "\n"), "control character (0x01): not sendable") {
		t.Errorf("the unsendable key is not reported as such: %v", r.Diffs)
	}
}

// TestCrossPrincipalRedactsBothPrincipals: principal B's credentials are
// redacted like A's.
func TestCrossPrincipalRedactsBothPrincipals(t *testing.T) {
	r := runProbe(t, payments.FlawKeysNotScopedToCaller, "cross-principal", createPayment(), func(e *Config) {
		e.OtherHeader = http.Header{"Authorization": {"Bearer b-s3cret"}, "X-Tenant": {"tenant-s3cret"}}
	})
	for _, ex := range r.Evidence {
		for name, vs := range ex.Request.Header {
			if strings.Contains(strings.Join(vs, ","), "s3cret") {
				t.Errorf("%s: header %s leaks principal B's credential", ex.Label, name)
			}
		}
	}
}

// TestProfilesChangeExpectations: the same server passes or fails a probe
// depending on the profile it is held to.
func TestProfilesChangeExpectations(t *testing.T) {
	tests := []struct {
		profile, probe string
		want           Verdict
	}{
		{"ietf", "mismatch-body", Pass},   // 422
		{"stripe", "mismatch-body", Fail}, // Stripe answers 400, not 422
		{"adyen", "mismatch-body", Pass},
		{"paypal", "replay", Pass},
		{"stripe", "concurrent", Pass},
	}
	for _, tt := range tests {
		t.Run(tt.profile+"/"+tt.probe, func(t *testing.T) {
			t.Parallel()
			prof, err := LookupProfile(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := runProbe(t, payments.FlawNone, tt.probe, createPayment(), func(e *Config) { e.Profile = prof; e.Rounds = 2 })
			if r.Verdict != tt.want {
				t.Errorf("verdict %s (%s), want %s", r.Verdict, r.Reason, tt.want)
			}
		})
	}
}

// TestProfileForOverridesOneOperation: the configuration's per-operation
// profile wins over the run's.
func TestProfileForOverridesOneOperation(t *testing.T) {
	strict := &Profile{Name: "custom", ReuseStatuses: []int{http.StatusConflict}}
	srv := startPayments(t, payments.FlawNone)
	env := Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a-" + t.Name()}}, Timeout: 5 * time.Second}
	ops := []openapi.Operation{createPayment(), createRefund()}
	targets := DefaultTargets(ops)
	targets[0].Profile = strict
	r := RunTargets(context.Background(), targets, selectProbes(t, "mismatch-body"), env)[0]
	// 422 is a safe refusal: the profile's 409 makes it a conformance finding.
	if r.Verdict != Fail || r.Class != Conformance || r.Severity != Minor || !strings.Contains(r.Reason, "profile custom expects 409") {
		t.Errorf("verdict %s %s %s (%s), want a minor conformance failure naming 409 and profile custom", r.Verdict, r.Severity, r.Class, r.Reason)
	}
}
