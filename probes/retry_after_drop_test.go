package probes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// runOneProbe runs p alone on op against base.
func runOneProbe(t *testing.T, p Probe, base string, op openapi.Operation, env Config) Result {
	t.Helper()
	env.BaseURL = base
	if env.Timeout == 0 {
		env.Timeout = 5 * time.Second
	}
	return Run(context.Background(), []openapi.Operation{op}, []Probe{p}, env)[0]
}

func TestRetryAfterDropOnExampleAPIs(t *testing.T) {
	tests := []struct {
		name string
		opts payments.Options
		want Verdict
		// reason is a substring of the reason.
		reason string
	}{
		{"correct", payments.Options{}, Pass, "exactly one request's side effect (+1)"},
		{"correct, in-flight duplicates wait", payments.Options{InFlight: payments.InFlightWait}, Pass, "exactly one"},
		// The dropped request is abandoned before it is processed (503, key
		// released): the retry processes it, once.
		{"correct with latency: a dropped request is abandoned", payments.Options{Latency: 10 * time.Millisecond}, Pass, "exactly one"},
		// The probe waits for the dropped request before retrying, as a
		// client would: the race is concurrent's finding, not this one's.
		{"check-then-act", payments.Options{Flaw: payments.FlawRace}, Pass, "exactly one"},
		{"no idempotency", payments.Options{Flaw: payments.FlawNoIdempotency}, Fail, "no single stored result"},
		{"replay repeats effect", payments.Options{Flaw: payments.FlawReplayButRepeat}, Fail, "added 3 side effect(s); one request adds 1"},
		{"disconnect releases key", payments.Options{Flaw: payments.FlawDisconnectReleasesKey}, Fail, "drop at once: the drop and its retries added 2 side effect(s); one request adds 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(payments.New(tt.opts))
			t.Cleanup(srv.Close)
			r := runOneProbe(t, retryAfterDropProbe{}, srv.URL, createPayment(), Config{})
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want %s with %q; diffs: %v", r.Verdict, r.Reason, tt.want, tt.reason, r.Diffs)
			}
			if r.Rule == "" || r.Fix == "" {
				t.Errorf("rule %q, fix %q: want both", r.Rule, r.Fix)
			}
			dropped := 0
			for _, ex := range r.Evidence {
				if ex.Err == errDropped && ex.Response == nil {
					dropped++
				}
			}
			if dropped != 2 {
				t.Errorf("%d dropped exchanges in the evidence, want 2: %+v", dropped, r.Evidence)
			}
		})
	}
}

// keyedStub answers the first request with each key 201 and every later one
// with later: a server whose key is stuck in flight (409) or that stored a
// failure (503) once the client hung up.
func keyedStub(later int) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("Idempotency-Key")
		mu.Lock()
		again := seen[k]
		seen[k] = true
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if again {
			w.WriteHeader(later)
			w.Write([]byte(`{"error":"x"}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"p1"}`))
	})
}

func TestRetryAfterDropStuckOrFailedKey(t *testing.T) {
	tests := []struct {
		name   string
		later  int
		reason string
	}{
		{"key stuck in flight", http.StatusConflict, "left the key locked"},
		{"failure stored for the key", http.StatusServiceUnavailable, "the retry got 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(keyedStub(tt.later))
			t.Cleanup(srv.Close)
			op := createPayment()
			op.Collection = nil
			start := time.Now()
			r := runOneProbe(t, retryAfterDropProbe{}, srv.URL, op, Config{Timeout: 300 * time.Millisecond})
			if r.Verdict != Fail || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want fail with %q", r.Verdict, r.Reason, tt.reason)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v: the wait for a settled key is not bounded by the timeout", d)
			}
		})
	}
}

func TestRetryAfterDropWithoutObserverSaysSo(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	op := createPayment()
	op.Collection = nil
	r := runOneProbe(t, retryAfterDropProbe{}, srv.URL, op, Config{})
	if r.Verdict != Pass || !strings.Contains(r.Reason, "judged on responses only") {
		t.Errorf("verdict %s (%s), want a pass that says it saw no side effects", r.Verdict, r.Reason)
	}
}

// TestRetryAfterDropControlRejected: when even a fresh request fails, a
// failing retry proves nothing, so the verdict is an error.
func TestRetryAfterDropControlRejected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	op := createPayment()
	op.Collection = nil
	if r := runOneProbe(t, retryAfterDropProbe{}, srv.URL, op, Config{}); r.Verdict != Error {
		t.Errorf("verdict %s (%s), want error", r.Verdict, r.Reason)
	}
}
