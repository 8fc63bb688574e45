package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// createPayment is the planned POST /v1/payments of the example API, written
// out so the probes are tested independently of the planner.
func createPayment() openapi.Operation {
	return openapi.Operation{
		ID:     "createPayment",
		Method: "POST",
		Path:   "/v1/payments",
		Key:    openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: "/v1/payments",
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 1000, "currency": "usd"}}},
		AltBody:    &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 1001, "currency": "usd"}},
		Collection: &openapi.Collection{Path: "/v1/payments"},
		Docs:       &openapi.Docs{KeyDeclared: true, Retention: "Keys are retained for 24 hours."},
	}
}

// keyedCreate is a planned POST on a collection path with a required
// Idempotency-Key header, its side effect counted on the list GET path, for
// tests whose server is written in the test.
func keyedCreate(id, path string) openapi.Operation {
	return openapi.Operation{
		ID: id, Method: "POST", Path: path,
		Key: openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: path,
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 100}}},
		Collection: &openapi.Collection{Path: path},
	}
}

// startPayments serves the example API with flaw on a loopback socket.
func startPayments(t *testing.T, flaw payments.Flaw) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(payments.New(payments.Options{Flaw: flaw}))
	t.Cleanup(srv.Close)
	return srv
}

// verdicts runs every probe on op against base and returns probe id → result.
func verdicts(t *testing.T, base string, op openapi.Operation) map[string]Result {
	t.Helper()
	env := Config{BaseURL: base, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Concurrency: 8, Rounds: 3, Timeout: 5 * time.Second}
	env.OtherHeader = http.Header{"Authorization": {"Bearer other-" + t.Name()}} // cross-principal's principal B
	env.Planned = DefaultTargets([]openapi.Operation{op, createRefund()})        // mismatch-target's other operation
	got := map[string]Result{}
	for _, r := range Run(context.Background(), []openapi.Operation{op}, All(), env) {
		got[r.Probe] = r
	}
	return got
}

func TestProbesOnExampleAPIs(t *testing.T) {
	tests := []struct {
		flaw     payments.Flaw
		wantFail []string
	}{
		{payments.FlawNone, nil},
		// replay-marker: a retry processed again is no replay, so there is
		// nothing to mark (skip, pointing to replay).
		{payments.FlawNoIdempotency, []string{"replay", "concurrent", "mismatch-body", "missing-key", "key-format", "retry-after-drop"}},
		{payments.FlawRace, []string{"concurrent"}},
		{payments.FlawKeyOnlyFingerprint, []string{"mismatch-body"}},
		{payments.FlawOptionalKey, []string{"missing-key"}},
		{payments.FlawReplayButRepeat, []string{"replay", "concurrent", "retry-after-drop"}},
		{payments.FlawDisconnectReleasesKey, []string{"retry-after-drop"}},
	}
	for _, tt := range tests {
		name := string(tt.flaw)
		if name == "" {
			name = "correct"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // a server of its own
			srv := startPayments(t, tt.flaw)
			op := createPayment()
			got := verdicts(t, srv.URL, op)
			want := map[string]bool{}
			for _, id := range tt.wantFail {
				want[id] = true
			}
			for _, p := range All() {
				r := got[p.Meta(nil).ID]
				if reason := p.Applies(&op); reason != "" { // e.g. natural-put on a POST
					if r.Verdict != Skip {
						t.Errorf("%s: verdict %s, want skip (%s)", p.Meta(nil).ID, r.Verdict, reason)
					}
					continue
				}
				wantVerdict := Pass
				if want[p.Meta(nil).ID] {
					wantVerdict = Fail
				}
				if r.Verdict == Skip && wantVerdict == Pass && strings.HasSuffix(r.Reason, "see replay") {
					continue // the symptom is replay's finding
				}
				if r.Verdict != wantVerdict {
					t.Errorf("%s: verdict %s, want %s; reason: %s; diffs: %v", p.Meta(nil).ID, r.Verdict, wantVerdict, r.Reason, r.Diffs)
				}
				if r.Verdict == Fail && len(r.Evidence) == 0 {
					t.Errorf("%s: a failure without evidence", p.Meta(nil).ID)
				}
				if len(r.Effects) == 0 && !isStatic(p) {
					t.Errorf("%s: no side-effect observation although the collection is known", p.Meta(nil).ID)
				}
			}
		})
	}
}

// TestReplayRepeatEffectIsCaughtBySnapshotOnly pins the case a response diff
// cannot see: the replay is right, the side effect repeats.
func TestReplayRepeatEffectIsCaughtBySnapshotOnly(t *testing.T) {
	srv := startPayments(t, payments.FlawReplayButRepeat)
	r := verdicts(t, srv.URL, createPayment())["replay"]
	if r.Verdict != Fail {
		t.Fatalf("verdict %s, want fail: %s", r.Verdict, r.Reason)
	}
	if !strings.Contains(r.Reason, "side effect") {
		t.Errorf("reason %q does not name the side effect", r.Reason)
	}
	var retries *Effect
	for i, e := range r.Effects {
		if e.Step == "retries" {
			retries = &r.Effects[i]
		}
	}
	if retries == nil || retries.Delta() != DefaultReplays {
		t.Errorf("effects %+v: want the retries step to add %d", r.Effects, DefaultReplays)
	}
}

// TestReplayWithoutObserverSaysSo: no collection, so the verdict must rest
// on responses and say it.
func TestReplayWithoutObserverSaysSo(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	op := createPayment()
	op.Collection = nil
	r := verdicts(t, srv.URL, op)["replay"]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "responses only") {
		t.Errorf("got %s %q, want a pass that says it is judged on responses only", r.Verdict, r.Reason)
	}
}

func TestRejectedFirstRequestIsAnErrorNotAPass(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
	}))
	defer srv.Close()
	op := createPayment()
	op.Collection = nil
	got := verdicts(t, srv.URL, op)
	for _, id := range []string{"replay", "concurrent", "missing-key"} {
		if got[id].Verdict != Error {
			t.Errorf("%s: verdict %s, want error (the request is never accepted): %s", id, got[id].Verdict, got[id].Reason)
		}
	}
	if got["mismatch-body"].Verdict != Skip {
		t.Errorf("mismatch-body: verdict %s, want skip (its control is refused)", got["mismatch-body"].Verdict)
	}
	if hits.Load() == 0 {
		t.Fatal("no request reached the server")
	}
}

func TestUnreachableTargetIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	op := createPayment()
	op.Collection = nil
	for id, r := range verdicts(t, base, op) {
		if p, _ := Select([]string{id}); isStatic(p[0]) || p[0].Applies(&op) != "" {
			continue // sends nothing, or does not apply to a POST
		}
		if r.Verdict != Error {
			t.Errorf("%s: verdict %s, want error", id, r.Verdict)
		}
	}
}

func TestEvidenceRedactsCredentials(t *testing.T) {
	srv := startPayments(t, payments.FlawNoIdempotency)
	env := Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer s3cret"}, "X-Tenant": {"t-secret"}}}
	for _, r := range Run(context.Background(), []openapi.Operation{createPayment()}, All(), env) {
		for _, ex := range r.Evidence {
			for name, vs := range ex.Request.Header {
				for _, v := range vs {
					if strings.Contains(v, "s3cret") || strings.Contains(v, "t-secret") {
						t.Fatalf("%s: header %s leaks %q", r.Probe, name, v)
					}
				}
			}
		}
	}
}

func TestRunKeepsOrderAndHonoursCancellation(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	ops := []openapi.Operation{createPayment(), createPayment(), {ID: "skipped", Method: "POST", Path: "/x", Skip: "no valid request"}}
	ops[1].ID = "second"
	ops[1].Collection = &openapi.Collection{Path: "/v1/payments"}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results := Run(ctx, ops, All(), Config{BaseURL: srv.URL})
	if len(results) != len(ops)*len(All()) {
		t.Fatalf("%d results, want %d", len(results), len(ops)*len(All()))
	}
	for i, r := range results {
		op, p := ops[i/len(All())], All()[i%len(All())]
		if r.Operation.ID != op.ID || r.Probe != p.Meta(nil).ID {
			t.Errorf("result %d is %s/%s, want %s/%s", i, r.Operation.ID, r.Probe, op.ID, p.Meta(nil).ID)
		}
		if r.Verdict != Error && r.Verdict != Skip {
			t.Errorf("result %d: verdict %s after cancellation, want error or skip", i, r.Verdict)
		}
	}
}

func TestSelect(t *testing.T) {
	ps, err := Select([]string{"missing-key", "replay"})
	if err != nil || len(ps) != 2 || ps[0].Meta(nil).ID != "replay" {
		t.Fatalf("Select = %v, %v; want replay, missing-key in catalogue order", ps, err)
	}
	if _, err := Select([]string{"nope"}); err == nil || !strings.Contains(err.Error(), "known: replay") {
		t.Errorf("unknown probe error %v should list the known ones", err)
	}
}

// TestUnusableInferredObserverIsDroppedNotFatal pins that a list endpoint
// idemcheck guessed, which turns out unusable (here: 403), costs the
// side-effect evidence and says so, but does not turn the verdicts into
// errors: the responses still prove the replay.
func TestUnusableInferredObserverIsDroppedNotFatal(t *testing.T) {
	api := payments.New(payments.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/payments" {
			http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	r := verdicts(t, srv.URL, createPayment())["replay"]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "responses only") {
		t.Errorf("replay: %s %q, want a pass judged on responses only", r.Verdict, r.Reason)
	}
	if len(r.Effects) != 0 || !strings.Contains(strings.Join(r.Diffs, "\n"), "side effects not observed: collection GET /v1/payments failed before the run") {
		t.Errorf("replay: effects %v, diffs %q; want none and a note naming the dropped observer", r.Effects, r.Diffs)
	}
}

// TestDeclaredObserverFailureIsAnError: an observer the user declared is
// never dropped; its failure makes the verdict an error, not a guess.
func TestDeclaredObserverFailureIsAnError(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	op := createPayment()
	declared := []Target{{Op: &op, Observer: &CollectionObserver{Label: "declared", Path: "/v1/nothing-here"}}}
	for _, r := range RunTargets(context.Background(), declared, []Probe{replayProbe{}}, Config{BaseURL: srv.URL}) {
		if r.Verdict != Error {
			t.Errorf("%s: verdict %s, want error: %s", r.Probe, r.Verdict, r.Reason)
		}
	}
}

// TestOperationIgnoreFieldsApplyToEveryProbe pins that an operation's own
// volatile fields (the configuration's ignore_fields) are left out of every
// comparison: a server that stamps each response with a fresh request id is
// correct, and must pass replay and concurrent alike.
func TestOperationIgnoreFieldsApplyToEveryProbe(t *testing.T) {
	api := payments.New(payments.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && len(body) > 0 && body[0] == '{' {
			body = append([]byte(fmt.Sprintf(`{"request_id":"req_%d",`, time.Now().UnixNano())), body[1:]...)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	defer srv.Close()
	op := createPayment()
	op.IgnoreFields = []string{"/request_id"}
	got := verdicts(t, srv.URL, op)
	for _, id := range []string{"replay", "concurrent", "mismatch-body", "retry-after-drop", "replay-marker"} {
		if got[id].Verdict != Pass {
			t.Errorf("%s: %s %q, want pass with /request_id ignored", id, got[id].Verdict, got[id].Reason)
		}
	}
	op.IgnoreFields = nil
	if r := verdicts(t, srv.URL, op)["replay"]; r.Verdict != Fail {
		t.Errorf("control: without the ignore, replay is %s, want fail (the request id differs)", r.Verdict)
	}
}
