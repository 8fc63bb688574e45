package payments

import (
	"testing"
)

// TestCaptureQueryParameter: the correct API honours capture (the
// payment's captured and status reflect it), refuses a value that is not a
// boolean, and refuses the key reused with another capture value with 422,
// like a changed body.
func TestCaptureQueryParameter(t *testing.T) {
	a := start(t, Options{})
	var p Payment
	r := a.do("POST", "/v1/payments", body1, KeyHeader, "k-default")
	decode(t, r.body, &p)
	if r.status != 201 || !p.Captured || p.Status != "succeeded" {
		t.Fatalf("without capture: %d %s, want 201, captured, succeeded", r.status, r.body)
	}
	r = a.do("POST", "/v1/payments?capture=false", body1, KeyHeader, "k-auth")
	decode(t, r.body, &p)
	if r.status != 201 || p.Captured || p.Status != "requires_capture" {
		t.Fatalf("capture=false: %d %s, want 201, not captured, requires_capture", r.status, r.body)
	}
	if r := a.do("POST", "/v1/payments?capture=maybe", body1, KeyHeader, "k-bad"); r.status != 400 {
		t.Errorf("capture=maybe: %d, want 400", r.status)
	}
	r = a.do("POST", "/v1/payments?capture=false", body1, KeyHeader, "k-default")
	if r.status != 422 || errType(t, r.body) != "idempotency_error" {
		t.Errorf("the key reused with capture=false: %d %s, want 422 idempotency_error", r.status, r.body)
	}
	if r := a.do("POST", "/v1/payments?capture=false", body1, KeyHeader, "k-auth"); r.status != 201 || r.header.Get(ReplayedHeader) != "true" {
		t.Errorf("an identical retry of capture=false: %d, replayed %q; want the stored 201", r.status, r.header.Get(ReplayedHeader))
	}
}

// TestBodyOnlyFingerprintReplaysAcrossTheQuery pins FlawBodyOnlyFingerprint:
// capture=false under a used key gets the stored, captured payment, while a
// changed body is still refused and the path still scopes the key.
func TestBodyOnlyFingerprintReplaysAcrossTheQuery(t *testing.T) {
	a := start(t, Options{Flaw: FlawBodyOnlyFingerprint})
	first := a.do("POST", "/v1/payments", body1, KeyHeader, "k1")
	r := a.do("POST", "/v1/payments?capture=false", body1, KeyHeader, "k1")
	if r.status != 201 || r.body != first.body || r.header.Get(ReplayedHeader) != "true" {
		t.Errorf("capture=false under a used key: %d %s, want the stored payment %s", r.status, r.body, first.body)
	}
	if r := a.do("POST", "/v1/payments", body2, KeyHeader, "k1"); r.status != 422 {
		t.Errorf("another body under a used key: %d, want 422", r.status)
	}
	if r := a.do("POST", "/v1/payments/"+SeedPaymentID+"/refunds", body1, KeyHeader, "k1"); r.status == 201 && r.header.Get(ReplayedHeader) == "true" {
		t.Errorf("the key on another path was replayed: %s", r.body)
	}
}
