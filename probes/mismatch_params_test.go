package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// capturePayment is createPayment with the example's capture query
// parameter, left out of R and varied to false, as the planner plans it.
func capturePayment() openapi.Operation {
	op := createPayment()
	op.AltParams = []openapi.ParamAlt{{In: "query", Name: "capture", Default: "true", To: []string{"false"}, Kind: "boolean"}}
	return op
}

// withAlt is createPayment varying another parameter.
func withAlt(a ...openapi.ParamAlt) func() openapi.Operation {
	return func() openapi.Operation {
		op := createPayment()
		op.AltParams = a
		return op
	}
}

// serveWith serves h on a loopback socket for the test.
func serveWith(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// keysPerQuery is the correct example API with keys scoped per query
// string: a reused key with another query is processed on its own, which
// is correct too (Telnyx refuses, keys per endpoint and query would not).
func keysPerQuery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get("Idempotency-Key"); k != "" && r.URL.RawQuery != "" {
			r.Header.Set("Idempotency-Key", k+"-"+strings.NewReplacer("=", "-", "&", "-").Replace(r.URL.RawQuery))
		}
		h.ServeHTTP(w, r)
	})
}

// failsOnReuse is the correct example API but for a reused key whose query
// differs from its first use, which gets 500 (a database constraint).
func failsOnReuse(h http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]string{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get("Idempotency-Key"); k != "" {
			mu.Lock()
			q, ok := seen[k]
			if !ok {
				seen[k] = r.URL.RawQuery
			}
			mu.Unlock()
			if ok && q != r.URL.RawQuery {
				http.Error(w, `{"error":{"message":"duplicate key value violates unique constraint"}}`, http.StatusInternalServerError)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// TestMismatchParams runs the probe against real servers: correct ones
// (refusing with 422, or processing the other query on its own), the flaws
// that leave the query out of the fingerprint, a 5xx on reuse, a refusal
// with a status the profile does not name, a parameter the server ignores,
// and values the probe must not try.
func TestMismatchParams(t *testing.T) {
	tests := []struct {
		name    string
		op      func() openapi.Operation
		flaw    payments.Flaw
		wrap    func(http.Handler) http.Handler
		tweak   func(*Config)
		want    Verdict
		class   Class
		reason  string // a substring of the reason
		minor   bool   // the failure is at most minor
		treated bool   // R′ was sent under a used key
	}{
		{name: "correct: refused with 422", op: capturePayment, want: Pass, reason: "query capture=false (R leaves it out, default true): rejected (422) and added no side effect", treated: true},
		{name: "correct: keys scoped per query, processed on its own", op: capturePayment, wrap: keysPerQuery, want: Pass, reason: "processed on its own (201)", treated: true},
		{name: "body-only fingerprint replays across the query", op: capturePayment, flaw: payments.FlawBodyOnlyFingerprint, want: Fail, class: Safety, reason: "R's stored result", treated: true},
		{name: "path-blind fingerprint leaves the query out too", op: capturePayment, flaw: payments.FlawPathBlindFingerprint, want: Fail, class: Safety, reason: "R's stored result", treated: true},
		{name: "keys ignored: every request processed on its own", op: capturePayment, flaw: payments.FlawNoIdempotency, want: Pass, reason: "processed on its own (201)", treated: true},
		{name: "key-only fingerprint still covers the query", op: capturePayment, flaw: payments.FlawKeyOnlyFingerprint, want: Pass, reason: "rejected (422)", treated: true},
		{name: "5xx on reuse", op: capturePayment, wrap: failsOnReuse, want: Fail, class: Safety, reason: "server error (500)", treated: true},
		{name: "refused with 417: minor conformance", op: capturePayment, flaw: payments.FlawReuse417, want: Fail, class: Conformance, minor: true, reason: "refused safely with 417", treated: true},
		{name: "stripe profile expects 400", op: capturePayment, tweak: func(e *Config) { e.Profile = mustProfile(t, "stripe") }, want: Fail, class: Conformance, minor: true, reason: "profile stripe expects 400", treated: true},
		{name: "a parameter that makes no difference", op: withAlt(openapi.ParamAlt{In: "query", Name: "notify", To: []string{"true", "false"}, Kind: "boolean"}), flaw: payments.FlawBodyOnlyFingerprint, want: Skip,
			reason: "query notify=true made no difference to the response or the side effect (volatile fields left out); query notify=false made no difference"},
		{name: "a value refused with a fresh key", op: withAlt(openapi.ParamAlt{In: "query", Name: "capture", To: []string{"later"}, Kind: "enum"}), want: Skip,
			reason: `query capture=later is refused even with a fresh key (status 400: "capture must be true or false")`},
		{name: "a header the user sets with -H", op: withAlt(openapi.ParamAlt{In: "header", Name: "X-Mode", To: []string{"test"}, Kind: "enum"}),
			tweak: func(e *Config) { e.Header.Set("X-Mode", "live") }, want: Skip, reason: "header X-Mode: set with -H"},
		{name: "a header naming the second principal", op: withAlt(openapi.ParamAlt{In: "header", Name: "Stripe-Account", To: []string{"acct_2"}, Kind: "enum"}),
			tweak: func(e *Config) { e.OtherHeader.Set("Stripe-Account", "acct_2") }, want: Skip, reason: "names the second principal (--other-header): cross-principal's"},
		{name: "nothing to vary", op: withAlt(openapi.ParamAlt{In: "header", Name: "X-Request-Id", Skip: "a tracing or metadata value: a retry may carry a new one"}), want: Skip,
			reason: "no parameter to vary: header X-Request-Id: a tracing or metadata value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h http.Handler = payments.New(payments.Options{Flaw: tt.flaw})
			if tt.wrap != nil {
				h = tt.wrap(h)
			}
			r := runParams(t, serveWith(t, h).URL, tt.op(), tt.tweak)
			if r.Verdict != tt.want || r.Class != tt.class || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s %s (%s), want %s %s containing %q; diffs: %q", r.Verdict, r.Class, r.Reason, tt.want, tt.class, tt.reason, r.Diffs)
			}
			if tt.minor && r.Severity != Minor {
				t.Errorf("severity %s, want minor: a safe refusal is conformance only", r.Severity)
			}
			if !tt.minor && r.Verdict == Fail && r.Severity != Major {
				t.Errorf("severity %s, want major", r.Severity)
			}
			reused := false
			for _, ex := range r.Evidence {
				reused = reused || strings.HasPrefix(ex.Label, "reuse:")
			}
			if reused != tt.treated {
				t.Errorf("reuse sent: %v, want %v; evidence %v", reused, tt.treated, labels(r.Evidence))
			}
			if tt.treated {
				// The evidence shows the parameter, both values and what
				// the control showed it governs.
				if !strings.Contains(r.Reason, "capture=false") || !strings.Contains(strings.Join(r.Diffs, "\n"), "what query capture governs") ||
					!strings.Contains(strings.Join(r.Diffs, "\n"), `"requires_capture"`) {
					t.Errorf("the evidence does not show the parameter, its values and the control's difference: %q; diffs %q", r.Reason, r.Diffs)
				}
			}
			if r.Verdict != Skip && (r.Rule == "" || r.Fix == "") {
				t.Errorf("rule %q, fix %q: both must be set", r.Rule, r.Fix)
			}
		})
	}
}

// runParams runs mismatch-params on op against base.
func runParams(t *testing.T, base string, op openapi.Operation, tweak func(*Config)) Result {
	t.Helper()
	env := Config{BaseURL: base, Header: http.Header{"Authorization": {"Bearer a-" + t.Name()}}, Timeout: 5 * time.Second,
		OtherHeader: http.Header{"Authorization": {"Bearer b-" + t.Name()}}}
	if tweak != nil {
		tweak(&env)
	}
	return Run(context.Background(), []openapi.Operation{op}, selectProbes(t, "mismatch-params"), env)[0]
}

func labels(ex []Exchange) []string {
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.Label
	}
	return out
}

// clockAPI is a keyed create whose fingerprint is the body only (it
// replays across any query), which ignores the notify query parameter, and
// whose responses carry a clock that ticks every second request, as a
// timestamp in seconds does for requests sent close together.
type clockAPI struct {
	mu     sync.Mutex
	n      int
	stored map[string][]byte
}

func (a *clockAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet {
		fmt.Fprintf(w, `{"data":[],"count":%d}`, a.n)
		return
	}
	k := r.Header.Get("Idempotency-Key") + "\n" + string(body) // the query is left out
	if b, ok := a.stored[k]; ok {
		w.WriteHeader(http.StatusCreated)
		w.Write(b)
		return
	}
	b, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("th_%d", a.n), "created": a.n / 2, "amount": 100})
	a.n++
	a.stored[k] = b
	w.WriteHeader(http.StatusCreated)
	w.Write(b)
}

// TestMismatchParamsCoarseClockIsNoDifference: a timestamp that moved
// between R and R′ is not a difference the parameter made. The control R′
// is sent between two Rs, so the clock moves between those too and is
// known to be volatile; sent after both, it would have looked governed by
// notify, and the server's replay across the query (correct here: notify
// changes nothing) a false alarm.
func TestMismatchParamsCoarseClockIsNoDifference(t *testing.T) {
	srv := serveWith(t, &clockAPI{stored: map[string][]byte{}})
	op := keyedCreate("createThing", "/things")
	op.Collection = nil
	op.AltParams = []openapi.ParamAlt{{In: "query", Name: "notify", To: []string{"true"}, Kind: "boolean"}}
	r := runParams(t, srv.URL, op, nil)
	if r.Verdict != Skip || !strings.Contains(r.Reason, "notify=true made no difference") {
		t.Fatalf("verdict %s (%s), want skip: notify makes no difference; diffs %q", r.Verdict, r.Reason, r.Diffs)
	}
}

// TestMismatchParamsBudget: the probe's cost stays within its comment's
// bound when every value of every parameter is tried and none matters.
func TestMismatchParamsBudget(t *testing.T) {
	var n sync.Mutex
	requests := 0
	api := payments.New(payments.Options{})
	srv := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n.Lock()
			requests++
			n.Unlock()
		}
		api.ServeHTTP(w, r)
	}))
	var alts []openapi.ParamAlt
	for _, name := range []string{"a", "b", "c"} {
		alts = append(alts, openapi.ParamAlt{In: "query", Name: name, To: []string{"1", "2"}, Kind: "number"})
	}
	op := capturePayment()
	op.AltParams = append(alts, op.AltParams...) // capture last: beyond 3 in a plan, but here it runs
	r := runParams(t, srv.URL, op, nil)
	if r.Verdict != Pass {
		t.Fatalf("verdict %s (%s)", r.Verdict, r.Reason)
	}
	if requests > 16 { // 1 R; 3 × 2 values × (R′ and R); capture: R′, R, the reuse
		t.Errorf("%d requests, more than the bound", requests)
	}
}

// TestMismatchParamsStateUsedUp: R refused after it was processed (a
// balance the Rs used up) is not the request's fault: the probe stops and
// skips with the reason, never an error on a correct server (issue 23).
func TestMismatchParamsStateUsedUp(t *testing.T) {
	api := payments.New(payments.Options{})
	var mu sync.Mutex
	created := 0
	srv := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			created++
			n := created
			mu.Unlock()
			if n > 2 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusPaymentRequired)
				w.Write([]byte(`{"error":{"message":"insufficient balance"}}`))
				return
			}
		}
		api.ServeHTTP(w, r)
	}))
	op := capturePayment()
	op.AltParams = append(op.AltParams, openapi.ParamAlt{In: "query", Name: "mode", To: []string{"test"}, Kind: "enum"})
	r := runParams(t, srv.URL, op, nil)
	if r.Verdict != Skip || !strings.Contains(r.Reason, `use up the server's state`) || !strings.Contains(r.Reason, "query mode: not reached") {
		t.Fatalf("verdict %s (%s), want skip: the state ran out; diffs %q", r.Verdict, r.Reason, r.Diffs)
	}
}
