package probes

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestThrottlingIsNeverAVerdict pins that a server which starts answering
// 429 mid-probe yields errors (run again, with less load), never a fail or a
// pass: rate limiting says nothing about idempotency.
func TestThrottlingIsNeverAVerdict(t *testing.T) {
	api := payments.New(payments.Options{})
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) > 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"error":"slow down"}`, http.StatusTooManyRequests)
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	for _, id := range []string{"mismatch-body", "missing-key"} {
		posts.Store(0)
		r := verdicts(t, srv.URL, createPayment())[id]
		if r.Verdict != Error {
			t.Errorf("%s: %s %q, want an error (throttled)", id, r.Verdict, r.Reason)
		}
	}
}

// TestCrossPrincipalIndistinctResponses pins that identical answers prove no
// leak when every processing answers the same (no id): the probe says it
// cannot tell instead of raising a critical false alarm.
func TestCrossPrincipalIndistinctResponses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte(`{"queued":true}`))
	}))
	defer srv.Close()
	op := createPayment()
	op.Collection = nil
	r := verdicts(t, srv.URL, op)["cross-principal"]
	if r.Verdict != Skip || !strings.Contains(r.Reason, "cannot tell") {
		t.Errorf("cross-principal: %s %q, want a skip that says it cannot tell", r.Verdict, r.Reason)
	}
}
