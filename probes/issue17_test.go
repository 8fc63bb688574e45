package probes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// TestIssue17OneDefectOneFinding: each of these servers has one defect and
// must fail exactly one probe, with the right diagnosis; every other probe
// passes, or says that the symptom it saw is the failing probe's (a note
// pointing to it). All of them keep one payment per key.
func TestIssue17OneDefectOneFinding(t *testing.T) {
	tests := []struct {
		flaw     payments.Flaw
		fail     string   // the one failing probe
		class    Class    // its class
		severity Severity // and severity
		reason   string   // a substring of its reason
		// noted are probes that must not fail but say "see replay".
		noted []string
	}{
		// 417 is a safe refusal: no payment, nothing of the first request
		// returned. Only the status is not the draft's.
		{payments.FlawReuse417, "mismatch-body", Conformance, Minor, "refused safely with 417", nil},
		// A replay re-rendered with a new request_id is replay's defect;
		// retry-after-drop saw one payment and one side effect.
		{payments.FlawReplayRequestID, "replay", Safety, Critical, "differs from the first response", []string{"retry-after-drop", "error-replay"}},
		// Every reuse refused with 422: replay's defect; concurrent saw one
		// payment and in-round answers of 201 or 409.
		{payments.FlawRefuseReuse, "replay", Safety, Critical, "status 201 → 422", []string{"concurrent", "retry-after-drop", "error-replay", "replay-marker"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw), func(t *testing.T) {
			srv := startPayments(t, tt.flaw)
			op := declining() // createPayment with a declined request, so error-replay runs
			got := verdicts(t, srv.URL, op)
			for _, p := range All() {
				r := got[p.Meta(nil).ID]
				t.Logf("%s: %s %s: %s", p.Meta(nil).ID, r.Verdict, r.Class, r.Reason)
				switch {
				case p.Meta(nil).ID == tt.fail:
					if r.Verdict != Fail || r.Class != tt.class || r.Severity != tt.severity || !strings.Contains(r.Reason, tt.reason) {
						t.Errorf("%s: %s %s %s (%s), want a %s %s failure with %q; diffs: %v", p.Meta(nil).ID, r.Verdict, r.Severity, r.Class, r.Reason, tt.severity, tt.class, tt.reason, r.Diffs)
					}
					if len(r.Evidence) == 0 {
						t.Errorf("%s: a failure without evidence", p.Meta(nil).ID)
					}
				case r.Verdict == Fail || r.Verdict == Error:
					t.Errorf("%s: %s %s (%s), want no finding: the defect is %s's; diffs: %v", p.Meta(nil).ID, r.Verdict, r.Class, r.Reason, tt.fail, r.Diffs)
				case contains(tt.noted, p.Meta(nil).ID) && !strings.Contains(r.Reason, "see "+tt.fail):
					t.Errorf("%s: %s (%s), want a note pointing to %s", p.Meta(nil).ID, r.Verdict, r.Reason, tt.fail)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestIssue17InFlightStatusIsConformance: a correct server that refuses an
// in-flight duplicate with a 4xx other than the profile's (425 Too Early
// where the draft says 409) processed every round once: a minor conformance
// finding, not concurrent's critical failure. A 5xx is still the failure.
func TestIssue17InFlightStatusIsConformance(t *testing.T) {
	tests := []struct {
		inFlight int
		want     Class
		severity Severity
		reason   string
	}{
		{http.StatusTooEarly, Conformance, Minor, "does not name for an in-flight duplicate (409)"},
		{http.StatusInternalServerError, Safety, Critical, "neither the stored result nor 409"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.inFlight), func(t *testing.T) {
			srv := startOrders(t, &orderServer{inFlight: tt.inFlight, work: 50 * time.Millisecond})
			r := runOneProbe(t, concurrentProbe{}, srv.URL, keyedCreate("createOrder", "/orders"), Env{Concurrency: 5, Rounds: 2})
			if r.Verdict != Fail || r.Class != tt.want || r.Severity != tt.severity || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("%s %s %s (%s), want a %s %s failure with %q\n%s", r.Verdict, r.Severity, r.Class, r.Reason, tt.severity, tt.want, tt.reason, strings.Join(r.Diffs, "\n"))
			}
		})
	}
}

// TestIssue17SecondPutRefusedIsConformance: a second, identical PUT refused
// with 409 that changed nothing is a conformance finding (RFC 9110 wants it
// to succeed), not natural-put's major failure; a 5xx still is.
func TestIssue17SecondPutRefusedIsConformance(t *testing.T) {
	tests := []struct {
		second   int
		want     Class
		severity Severity
	}{
		{http.StatusConflict, Conformance, Minor},
		{http.StatusInternalServerError, Safety, Major},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.second), func(t *testing.T) {
			var mu sync.Mutex
			seen := map[string]bool{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.Method == http.MethodGet:
					writeBody(w, http.StatusOK, []byte(`{"id":"cus_1","name":"Ada"}`))
				case seen[r.URL.Path]:
					writeBody(w, tt.second, []byte(`{"error":"already exists"}`))
				default:
					seen[r.URL.Path] = true
					writeBody(w, http.StatusOK, []byte(`{"id":"cus_1","name":"Ada"}`))
				}
			}))
			t.Cleanup(srv.Close)
			op := openapi.Operation{ID: "putCustomer", Method: "PUT", Path: "/customers/{id}",
				Request:  &openapi.Request{Method: "PUT", Path: "/customers/cus_1", Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"name": "Ada"}}},
				Resource: &openapi.Resource{Get: "/customers/cus_1"}}
			r := runOneProbe(t, naturalPutProbe{}, srv.URL, op, Env{})
			if r.Verdict != Fail || r.Class != tt.want || r.Severity != tt.severity {
				t.Fatalf("%s %s %s (%s), want a %s %s failure", r.Verdict, r.Severity, r.Class, r.Reason, tt.severity, tt.want)
			}
		})
	}
}

// withRequestIDs renders a fresh request_id into every JSON object body h
// answers, as a response middleware would.
func withRequestIDs(h http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var obj map[string]any
		if json.Unmarshal(body, &obj) == nil && obj != nil {
			obj["request_id"] = fmt.Sprintf("req_%d", n.Add(1))
			body, _ = json.Marshal(obj)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// TestIssue17ReRenderedStoredResultForAnotherBody: a server that ignores
// the body when matching keys and renders a request id into every response
// answers the reused key with the first payment, re-rendered: mismatch-body
// must say so (the same resource), not "processed".
func TestIssue17ReRenderedStoredResultForAnotherBody(t *testing.T) {
	srv := httptest.NewServer(withRequestIDs(payments.New(payments.Options{Flaw: payments.FlawKeyOnlyFingerprint})))
	t.Cleanup(srv.Close)
	r := runOneProbe(t, mismatchBodyProbe{}, srv.URL, createPayment(), Env{})
	if r.Verdict != Fail || r.Class != Safety || !strings.Contains(r.Reason, "answered about the first request's resource") {
		t.Fatalf("%s %s (%s), want a safety failure naming the first request's resource; diffs: %v", r.Verdict, r.Class, r.Reason, r.Diffs)
	}
}
