package payments

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const key = "Idempotency-Key"

// TestCorrect pins every rule of the reference semantics on the correct server.
func TestCorrect(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, a *api)
	}{
		{"replay is byte-identical and marked", func(t *testing.T, a *api) {
			first := a.do("POST", "/v1/payments", body1, key, "k1")
			again := a.do("POST", "/v1/payments", body1, key, "k1")
			if first.status != 201 || again.status != 201 || first.body != again.body {
				t.Fatalf("first %d %s, replay %d %s", first.status, first.body, again.status, again.body)
			}
			if first.header.Get(ReplayedHeader) != "" || again.header.Get(ReplayedHeader) != "true" {
				t.Errorf("Idempotent-Replayed: first %q, replay %q", first.header.Get(ReplayedHeader), again.header.Get(ReplayedHeader))
			}
			if l := first.header.Get("Location"); l == "" || l != again.header.Get("Location") {
				t.Errorf("Location: first %q, replay %q", l, again.header.Get("Location"))
			}
			if n := a.count(""); n != 1 {
				t.Errorf("payments = %d, want 1", n)
			}
		}},
		{"key order and whitespace do not change the fingerprint", func(t *testing.T, a *api) {
			a.do("POST", "/v1/payments", body1, key, "k1")
			r := a.do("POST", "/v1/payments", `{ "description":"first", "currency":"usd", "amount":2000 }`, key, "k1")
			if r.status != 201 || r.header.Get(ReplayedHeader) != "true" {
				t.Errorf("reordered body: %d replayed=%q", r.status, r.header.Get(ReplayedHeader))
			}
		}},
		{"mismatched body is rejected with 422 and creates nothing", func(t *testing.T, a *api) {
			a.do("POST", "/v1/payments", body1, key, "k1")
			r := a.do("POST", "/v1/payments", body2, key, "k1")
			if r.status != 422 || errType(t, r.body) != "idempotency_error" {
				t.Errorf("reuse: %d %s", r.status, r.body)
			}
			if n := a.count(""); n != 1 {
				t.Errorf("payments = %d, want 1", n)
			}
		}},
		{"missing, empty and overlong keys get 400", func(t *testing.T, a *api) {
			for name, h := range map[string][]string{
				"missing": nil, "empty": {key, ""}, "quoted empty": {key, `""`},
				"256 chars": {key, strings.Repeat("k", 256)},
			} {
				if r := a.do("POST", "/v1/payments", body1, h...); r.status != 400 {
					t.Errorf("%s key: %d %s", name, r.status, r.body)
				}
			}
			if n := a.count(""); n != 0 {
				t.Errorf("payments = %d, want 0", n)
			}
			if r := a.do("POST", "/v1/payments", body1, key, strings.Repeat("k", 255)); r.status != 201 {
				t.Errorf("255-char key: %d %s", r.status, r.body)
			}
		}},
		{"keys are scoped by principal", func(t *testing.T, a *api) {
			ra := a.do("POST", "/v1/payments", body1, key, "k1", "Authorization", "Bearer A")
			rb := a.do("POST", "/v1/payments", body1, key, "k1", "Authorization", "Bearer B")
			if rb.status != 201 || rb.body == ra.body || rb.header.Get(ReplayedHeader) != "" {
				t.Errorf("B got %d replayed=%q %s; A got %s", rb.status, rb.header.Get(ReplayedHeader), rb.body, ra.body)
			}
			if a.count("Bearer A") != 1 || a.count("Bearer B") != 1 || a.count("") != 0 {
				t.Errorf("counts A=%d B=%d anonymous=%d, want 1 1 0", a.count("Bearer A"), a.count("Bearer B"), a.count(""))
			}
		}},
		{"business errors are stored and replayed", func(t *testing.T, a *api) {
			declined := `{"amount":4000,"currency":"eur"}`
			first := a.do("POST", "/v1/payments", declined, key, "k1")
			again := a.do("POST", "/v1/payments", declined, key, "k1")
			if first.status != 402 || again.status != 402 || first.body != again.body || again.header.Get(ReplayedHeader) != "true" {
				t.Errorf("first %d %s, retry %d %s", first.status, first.body, again.status, again.body)
			}
		}},
		{"validation errors are not stored", func(t *testing.T, a *api) {
			if r := a.do("POST", "/v1/payments", `{"amount":0,"currency":"usd"}`, key, "k1"); r.status != 400 {
				t.Fatalf("invalid body: %d %s", r.status, r.body)
			}
			if r := a.do("POST", "/v1/payments", body1, key, "k1"); r.status != 201 || r.header.Get(ReplayedHeader) != "" {
				t.Errorf("corrected retry: %d %s", r.status, r.body)
			}
		}},
		{"the same key on another endpoint is independent", func(t *testing.T, a *api) {
			a.do("POST", "/v1/payments", body1, key, "k1")
			r := a.do("POST", "/v1/payments/"+SeedPaymentID+"/refunds", `{"amount":100}`, key, "k1")
			if r.status != 201 || r.header.Get(ReplayedHeader) != "" {
				t.Errorf("refund with a payment's key: %d %s", r.status, r.body)
			}
		}},
		{"refunds are idempotent and scoped by path", func(t *testing.T, a *api) {
			path := "/v1/payments/" + SeedPaymentID + "/refunds"
			first := a.do("POST", path, `{"amount":100,"reason":"duplicate"}`, key, "r1")
			again := a.do("POST", path, `{"amount":100,"reason":"duplicate"}`, key, "r1")
			if first.status != 201 || again.body != first.body || again.header.Get(ReplayedHeader) != "true" {
				t.Fatalf("first %d %s, retry %d %s", first.status, first.body, again.status, again.body)
			}
			other := a.do("POST", "/v1/payments", body1, key, "p1")
			id := strings.TrimPrefix(other.header.Get("Location"), "/v1/payments/")
			if r := a.do("POST", "/v1/payments/"+id+"/refunds", `{"amount":100,"reason":"duplicate"}`, key, "r1"); r.status != 422 {
				t.Errorf("key reused on another payment: %d %s", r.status, r.body)
			}
			if r := a.do("GET", path, ""); r.status != 200 || strings.Count(r.body, `"object":"refund"`) != 1 {
				t.Errorf("refunds: %d %s", r.status, r.body)
			}
			if r := a.do("POST", "/v1/payments/pay_nope/refunds", `{"amount":1}`, key, "r2"); r.status != 404 {
				t.Errorf("refund of unknown payment: %d", r.status)
			}
		}},
		{"customers: PUT and DELETE are naturally idempotent", func(t *testing.T, a *api) {
			c := `{"name":"Ada","email":"ada@example.com"}`
			p1, p2 := a.do("PUT", "/v1/customers/cus_demo", c), a.do("PUT", "/v1/customers/cus_demo", c)
			g := a.do("GET", "/v1/customers/cus_demo", "")
			if p1.status != 200 || p2.body != p1.body || g.body != p1.body {
				t.Errorf("put %d %s, put %s, get %s", p1.status, p1.body, p2.body, g.body)
			}
			if d1, d2 := a.do("DELETE", "/v1/customers/cus_demo", ""), a.do("DELETE", "/v1/customers/cus_demo", ""); d1.status != 204 || d2.status != 404 {
				t.Errorf("delete: %d then %d", d1.status, d2.status)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, start(t, Options{})) })
	}
}

// TestCorrectConcurrent: concurrent copies with one key create one payment;
// every other copy gets 409 or the stored 201. With latency the copies
// overlap, and some must get 409; whether they do in one round depends on
// how the machine schedules 20 clients (a loaded one spreads them over more
// than the latency), so up to 10 rounds run, each with a fresh key and each
// checked in full, until one shows a 409. TestInFlightDefaultIsConflict
// pins the 409 deterministically.
func TestCorrectConcurrent(t *testing.T) {
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(latency.String(), func(t *testing.T) {
			a := start(t, Options{Latency: latency})
			conflicts, rounds := 0, 0
			for rounds < 10 && (rounds == 0 || (latency > 0 && conflicts == 0)) {
				rounds++
				var created string
				for _, r := range a.concurrently(20, "POST", "/v1/payments", body1, key, fmt.Sprintf("c1-%d", rounds)) {
					switch {
					case r.status == 409 && errType(t, r.body) == "idempotency_error":
						conflicts++
					case r.status == 201 && (created == "" || r.body == created):
						created = r.body
					default:
						t.Errorf("round %d: unexpected %d %s (stored %s)", rounds, r.status, r.body, created)
					}
				}
				if n := a.count(""); n != rounds {
					t.Fatalf("payments = %d after %d rounds, want one per round", n, rounds)
				}
			}
			if latency > 0 && conflicts == 0 {
				t.Errorf("no 409 with %v latency in %d rounds", latency, rounds)
			}
		})
	}
}
