package payments

import (
	"testing"
	"time"
)

// Each test proves its flaw really shows, and that the rest of the server is
// still correct, so the flaw trips only the probes its comment names.

func TestFlawNoIdempotency(t *testing.T) {
	a := start(t, Options{Flaw: FlawNoIdempotency})
	a.do("POST", "/v1/payments", body1, key, "k1")
	if r := a.do("POST", "/v1/payments", body1, key, "k1"); r.status != 201 || r.header.Get(ReplayedHeader) != "" {
		t.Errorf("replay: %d replayed=%q", r.status, r.header.Get(ReplayedHeader))
	}
	if r := a.do("POST", "/v1/payments", body2, key, "k1"); r.status != 201 {
		t.Errorf("mismatch: %d", r.status)
	}
	if r := a.do("POST", "/v1/payments", body1); r.status != 201 {
		t.Errorf("missing key: %d", r.status)
	}
	if n := a.count(""); n != 4 {
		t.Errorf("payments = %d, want 4 (every request processed)", n)
	}
}

func TestFlawRace(t *testing.T) {
	a := start(t, Options{Flaw: FlawRace})
	// Sequential retries are correct...
	a.do("POST", "/v1/payments", body1, key, "seq")
	if r := a.do("POST", "/v1/payments", body1, key, "seq"); r.header.Get(ReplayedHeader) != "true" || a.count("") != 1 {
		t.Fatalf("sequential replay: %d replayed=%q count=%d", r.status, r.header.Get(ReplayedHeader), a.count(""))
	}
	// ...concurrent duplicates are not.
	maxCreated := 0
	for round := range 5 {
		before := a.count("")
		a.concurrently(20, "POST", "/v1/payments", body1, key, "race-"+string(rune('a'+round)))
		maxCreated = max(maxCreated, a.count("")-before)
	}
	if maxCreated <= 1 {
		t.Errorf("at most %d payment per round of 20 concurrent duplicates; the race never showed", maxCreated)
	}
}

func TestFlawKeyOnlyFingerprint(t *testing.T) {
	a := start(t, Options{Flaw: FlawKeyOnlyFingerprint})
	first := a.do("POST", "/v1/payments", body1, key, "k1")
	r := a.do("POST", "/v1/payments", body2, key, "k1")
	if r.status != 201 || r.body != first.body || r.header.Get(ReplayedHeader) != "true" {
		t.Errorf("reuse with another body: %d %s, want the first's stored 201", r.status, r.body)
	}
	if n := a.count(""); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
	// The path still counts: mismatch-target is unaffected.
	a.do("POST", "/v1/payments/"+SeedPaymentID+"/refunds", `{"amount":1}`, key, "r1")
	other := a.do("POST", "/v1/payments", body1, key, "p2")
	var p Payment
	decode(t, other.body, &p)
	if r := a.do("POST", "/v1/payments/"+p.ID+"/refunds", `{"amount":1}`, key, "r1"); r.status != 422 {
		t.Errorf("key reused on another payment: %d, want 422", r.status)
	}
}

func TestFlawOptionalKey(t *testing.T) {
	a := start(t, Options{Flaw: FlawOptionalKey})
	if r := a.do("POST", "/v1/payments", body1); r.status != 201 {
		t.Errorf("missing key: %d, want 201 (the flaw)", r.status)
	}
	if r := a.do("POST", "/v1/payments", body1, key, ""); r.status != 400 {
		t.Errorf("empty key: %d, want 400", r.status)
	}
	a.do("POST", "/v1/payments", body1, key, "k1")
	if r := a.do("POST", "/v1/payments", body1, key, "k1"); r.header.Get(ReplayedHeader) != "true" || a.count("") != 2 {
		t.Errorf("replay: %d replayed=%q count=%d", r.status, r.header.Get(ReplayedHeader), a.count(""))
	}
}

func TestFlawReplayButRepeat(t *testing.T) {
	a := start(t, Options{Flaw: FlawReplayButRepeat})
	first := a.do("POST", "/v1/payments", body1, key, "k1")
	again := a.do("POST", "/v1/payments", body1, key, "k1")
	if again.status != 201 || again.body != first.body || again.header.Get(ReplayedHeader) != "true" {
		t.Errorf("replay: %d %s, want the stored response", again.status, again.body)
	}
	if n := a.count(""); n != 2 {
		t.Errorf("payments = %d, want 2 (the repeated side effect)", n)
	}
	if r := a.do("POST", "/v1/payments", body2, key, "k1"); r.status != 422 || a.count("") != 2 {
		t.Errorf("mismatch: %d, count %d; want 422 and nothing created", r.status, a.count(""))
	}
}

// TestFlawReplayButRepeatInFlight: duplicates that arrive while the first is
// in flight get a correct 409, yet each still records a payment.
func TestFlawReplayButRepeatInFlight(t *testing.T) {
	a := start(t, Options{Flaw: FlawReplayButRepeat, Latency: 20 * time.Millisecond})
	for _, r := range a.concurrently(10, "POST", "/v1/payments", body1, key, "k1") {
		if r.status != 201 && r.status != 409 {
			t.Errorf("response %d %s", r.status, r.body)
		}
	}
	if n := a.count(""); n != 10 {
		t.Errorf("payments = %d, want 10", n)
	}
}
