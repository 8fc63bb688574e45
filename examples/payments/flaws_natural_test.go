package payments

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Tests of the flaws that trip retry-after-drop, natural-put, natural-delete
// and spec: each shows the flaw, and the correct server beside it.

// dropPayment writes a keyed POST over a raw connection and hangs up
// without reading the answer, as a client that timed out does.
func (a *api) dropPayment(k string) {
	a.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
	if err != nil {
		a.t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /v1/payments HTTP/1.1\r\nHost: x\r\n%s: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		KeyHeader, k, len(body1), body1)
	conn.Close()
}

// settledRetry waits (bounded) for the dropped payment to show, then
// retries until the key is no longer in flight.
func (a *api) settledRetry(k string) reply {
	a.t.Helper()
	for deadline := time.Now().Add(2 * time.Second); a.count("") == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r := a.do("POST", "/v1/payments", body1, KeyHeader, k)
		if r.status != 409 || time.Now().After(deadline) {
			return r
		}
	}
}

func TestDisconnectedClientRetry(t *testing.T) {
	tests := []struct {
		name         string
		flaw         Flaw
		wantPayments int
		wantReplayed string
	}{
		{"correct: the dropped request is finished and stored", FlawNone, 1, "true"},
		{"flaw: the key is released, the payment stays", FlawDisconnectReleasesKey, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := start(t, Options{Flaw: tt.flaw})
			a.dropPayment("dropped")
			r := a.settledRetry("dropped")
			if r.status != 201 || r.header.Get(ReplayedHeader) != tt.wantReplayed {
				t.Errorf("retry: %d replayed=%q, want 201 replayed=%q", r.status, r.header.Get(ReplayedHeader), tt.wantReplayed)
			}
			if n := a.count(""); n != tt.wantPayments {
				t.Errorf("payments = %d, want %d", n, tt.wantPayments)
			}
		})
	}
}

// TestFlawDisconnectReleasesKeyOtherwiseCorrect: a client that stays
// connected sees a correct server, so only retry-after-drop trips.
func TestFlawDisconnectReleasesKeyOtherwiseCorrect(t *testing.T) {
	a := start(t, Options{Flaw: FlawDisconnectReleasesKey})
	first := a.do("POST", "/v1/payments", body1, KeyHeader, "k1")
	again := a.do("POST", "/v1/payments", body1, KeyHeader, "k1")
	if first.status != 201 || again.body != first.body || again.header.Get(ReplayedHeader) != "true" || a.count("") != 1 {
		t.Errorf("replay: %d then %d replayed=%q, %d payments", first.status, again.status, again.header.Get(ReplayedHeader), a.count(""))
	}
	if r := a.do("POST", "/v1/payments", body2, KeyHeader, "k1"); r.status != 422 {
		t.Errorf("reuse with another body: %d, want 422", r.status)
	}
}

func TestCustomerPutTwice(t *testing.T) {
	const put = `{"name":"Ada","email":"ada@example.com"}`
	tests := []struct {
		flaw Flaw
		want string // GET after the second PUT
	}{
		{FlawNone, `{"id":"c1","object":"customer","name":"Ada","email":"ada@example.com"}` + "\n"},
		{FlawPutBumpsVersion, `{"id":"c1","object":"customer","name":"Ada","email":"ada@example.com","version":2}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw)+"/", func(t *testing.T) {
			a := start(t, Options{Flaw: tt.flaw})
			for range 2 {
				if r := a.do("PUT", "/v1/customers/c1", put); r.status != 200 {
					t.Fatalf("PUT: %d %s", r.status, r.body)
				}
			}
			if r := a.do("GET", "/v1/customers/c1", ""); r.body != tt.want {
				t.Errorf("GET after two PUTs = %s, want %s", r.body, tt.want)
			}
		})
	}
}

func TestCustomerDeleteTwice(t *testing.T) {
	tests := []struct {
		flaw       Flaw
		wantSecond int
	}{
		{FlawNone, 404},
		{FlawDeleteGone500, 500},
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw)+"/", func(t *testing.T) {
			a := start(t, Options{Flaw: tt.flaw})
			a.do("PUT", "/v1/customers/c1", `{"name":"Ada"}`)
			if r := a.do("DELETE", "/v1/customers/c1", ""); r.status != 204 {
				t.Fatalf("first DELETE: %d", r.status)
			}
			if r := a.do("DELETE", "/v1/customers/c1", ""); r.status != tt.wantSecond {
				t.Errorf("second DELETE: %d, want %d", r.status, tt.wantSecond)
			}
			if r := a.do("GET", "/v1/customers/c1", ""); r.status != 404 {
				t.Errorf("GET after DELETE: %d, want 404", r.status)
			}
		})
	}
}

// TestSpecFor: the undocumented-key document is still valid, makes the key
// optional and mentions no retention; every other flaw serves Spec.
func TestSpecFor(t *testing.T) {
	doc := SpecFor(FlawUndocumentedKey)
	for _, gone := range []string{"24 hours", "retained"} {
		if bytes.Contains(doc, []byte(gone)) {
			t.Errorf("SpecFor(%s) still mentions %q", FlawUndocumentedKey, gone)
		}
	}
	t3, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := t3.Validate(context.Background()); err != nil {
		t.Fatalf("SpecFor(%s) is invalid: %v", FlawUndocumentedKey, err)
	}
	if p := t3.Components.Parameters["IdempotencyKey"].Value; p.Required {
		t.Errorf("key parameter still required")
	}
	for _, f := range append(Flaws(), FlawNone) {
		if f != FlawUndocumentedKey && !bytes.Equal(SpecFor(f), Spec) {
			t.Errorf("SpecFor(%q) differs from Spec", f)
		}
	}
}
