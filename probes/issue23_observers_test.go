package probes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// Issue 23, parts 2 and 3: observers chosen by what the read returns, and
// a read-read control for every observer. Each test runs the planner and
// the probes against the fixture (issue23_fixture_test.go) on a real
// socket; the fixture's writes are always correct.

// TestUpdateStylePostCorrectServerPasses is the Stripe run's 129 errors:
// the GET beside POST /v1/customers/{customer} was taken for a list, and
// mismatch-target's control on another customer failed with "no array at
// the top level or in data, items or results". A correct server passes
// every probe on every operation, with no error.
func TestUpdateStylePostCorrectServerPasses(t *testing.T) {
	_, srv := newCustomerServer(t, customerOptions{})
	ops := planCustomers(t)
	for k, r := range resultsOf(t, srv.URL, ops, All()) {
		if r.Verdict == Error || r.Verdict == Fail {
			t.Errorf("%s: %s", k, describe(r))
		}
	}
	var update *openapi.Operation
	for i := range ops {
		if ops[i].ID == "PostCustomersCustomer" {
			update = &ops[i]
		}
	}
	if update.Collection != nil || DefaultObserver(update) != nil {
		t.Errorf("the update-style POST got the observer %v, want none: its GET answers one customer", DefaultObserver(update))
	}
}

// TestListThatRerendersIDsIsNotUsed: a list that renders fresh ids on
// every read fails the read-read control; it is not used, the probes judge
// on the responses (a correct server passes) and every result says why.
func TestListThatRerendersIDsIsNotUsed(t *testing.T) {
	_, srv := newCustomerServer(t, customerOptions{rerenderIDs: true})
	ops := planCustomers(t)
	res := resultsOf(t, srv.URL, ops, selectProbes(t, "replay", "concurrent", "mismatch-body"), "PostCustomers")
	for k, r := range res {
		t.Logf("%s: %s", k, describe(r))
		if r.Verdict != Pass {
			t.Errorf("%s: %s, want a pass on the responses", k, describe(r))
			continue
		}
		n := notes(r)
		if !strings.Contains(n, "collection GET /v1/customers reads differently by itself") || !strings.Contains(n, "rendered anew on every read") {
			t.Errorf("%s: notes %q, want the read-read control's finding", k, n)
		}
		if len(r.Effects) > 0 {
			t.Errorf("%s: effects %+v from an observer that is not used", k, r.Effects)
		}
	}
}

// TestInferredObserverFailingMidRunIsUnobserved: a list that passes the
// control and then answers 500 makes the experiment unobserved from that
// step on, never an error; the result says why.
func TestInferredObserverFailingMidRunIsUnobserved(t *testing.T) {
	// the first request's readings work (and pass the control); from the
	// first retry on the list answers 500
	_, srv := newCustomerServer(t, customerOptions{listFailsAt: 2})
	ops := planCustomers(t)
	r := resultsOf(t, srv.URL, ops, selectProbes(t, "replay"), "PostCustomers")["PostCustomers replay"]
	t.Log(describe(r))
	if r.Verdict != Pass || !strings.Contains(r.Reason, "side effects not observed") {
		t.Fatalf("%s; want a pass on the responses", describe(r))
	}
	if n := notes(r); !strings.Contains(n, "side effects not observed from") || !strings.Contains(n, "answered 500") {
		t.Errorf("notes %q, want why the list was not used", n)
	}
}

// TestVolatileStateFieldsAreLeftOut: natural-put and natural-delete read
// the state twice before the treatment; fields that change by themselves
// are left out and named; when all of them do, the state is not compared.
// A PUT that bumps a version is still found.
func TestVolatileStateFieldsAreLeftOut(t *testing.T) {
	tests := []struct {
		name    string
		opt     customerOptions
		verdict Verdict
		said    []string // in the put's reason and notes
	}{
		{"fresh request id and timestamp", customerOptions{freshFields: true}, Pass,
			[]string{"unchanged", "volatile", "/fetched_at", "/request_id"}},
		{"a clock too slow for the control", customerOptions{slowClock: true}, Pass,
			[]string{"unchanged", "volatile", "/clock"}},
		{"every field random", customerOptions{allRandom: true}, Pass,
			[]string{"differs between two reads with nothing sent in between, so the state is not compared"}},
		{"a version bumped with fresh fields around it", customerOptions{freshFields: true, bumpVersion: true}, Fail,
			[]string{"the second PUT changed /version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newCustomerServer(t, tt.opt)
			ops := planCustomers(t)
			only := []string{"PutThing", "DeleteThing"}
			if tt.opt.slowClock {
				only = only[:1] // the thing's reads are counted: the DELETE's must not come first
			}
			res := resultsOf(t, srv.URL, ops, selectProbes(t, "natural-put", "natural-delete"), only...)
			put := res["PutThing natural-put"]
			if tt.opt.slowClock && !slices.ContainsFunc(put.Evidence, func(e Exchange) bool {
				return e.Label == "GET again after the second PUT, nothing sent (control: what changes by itself)"
			}) {
				t.Errorf("natural-put: no confirming reads after the second PUT in the evidence")
			}
			t.Log(describe(put))
			all := put.Reason + "\n" + notes(put)
			if put.Verdict != tt.verdict {
				t.Errorf("natural-put: %s, want %s", describe(put), tt.verdict)
			}
			for _, s := range tt.said {
				if !strings.Contains(all, s) {
					t.Errorf("natural-put: %s; want it to say %q", describe(put), s)
				}
			}
			if del, ok := res["DeleteThing natural-delete"]; ok && del.Verdict != Pass {
				t.Errorf("natural-delete: %s, want a pass", describe(del))
			}
		})
	}
	// A soft delete: the GET still answers 200 after it, with a fresh
	// request id and timestamp every time (Box's mock answered random
	// data): the volatile fields are left out and named, and the state
	// after the first DELETE is what the second left.
	t.Run("soft delete with fresh fields", func(t *testing.T) {
		_, srv := newCustomerServer(t, customerOptions{freshFields: true, softDelete: true})
		ops := planCustomers(t)
		del := resultsOf(t, srv.URL, ops, selectProbes(t, "natural-delete"), "DeleteThing")["DeleteThing natural-delete"]
		t.Log(describe(del))
		if n := notes(del); del.Verdict != Pass || !strings.Contains(del.Reason, "as the first DELETE did (200)") ||
			!strings.Contains(n, "/fetched_at, /request_id: volatile") {
			t.Errorf("natural-delete: %s; want a pass naming the volatile fields", describe(del))
		}
	})
}

// TestReadsCarryTheirParameters: an observer's reads carry the GET's
// required query and headers (issue 23, part 6), and the user's -H win.
func TestReadsCarryTheirParameters(t *testing.T) {
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Clone(context.Background()))
		writeJSON(w, http.StatusOK, map[string]any{"entries": []any{}, "id": "x"})
	}))
	defer srv.Close()
	read := &openapi.Request{Method: "GET", Path: "/collaborations", Query: map[string][]string{"status": {"pending"}},
		Header: http.Header{"X-Api-Version": {"2025-01-01"}, "X-Tenant": {"planned"}}}
	env := newRun(Config{BaseURL: srv.URL, Header: http.Header{"X-Tenant": {"from -H"}}})
	if _, err := (&CollectionObserver{Path: "/collaborations", Pointer: "/entries", Read: read}).Snapshot(context.Background(), env.access("")); err != nil {
		t.Fatal(err)
	}
	ro := NewResourceObserver("/links/{id}")
	ro.Read = &openapi.Request{Method: "GET", Path: "/links/{id}", Header: http.Header{"X-Api-Version": {"2025-01-01"}}}
	ro.paths = []string{"/links/l_1"}
	if _, err := ro.Snapshot(context.Background(), env.access("")); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	if r := got[0]; r.URL.RawQuery != "status=pending" || r.Header.Get("X-Api-Version") != "2025-01-01" || r.Header.Get("X-Tenant") != "from -H" {
		t.Errorf("list read %s %v", r.URL, r.Header)
	}
	if r := got[1]; r.URL.Path != "/links/l_1" || r.Header.Get("X-Api-Version") != "2025-01-01" {
		t.Errorf("resource read %s %v", r.URL, r.Header)
	}
}

// TestChainedObserverControlIsPerExperiment: an observer inferred for a
// chained experiment's own paths gets the read-read control there; one
// that reads differently is not used for that experiment, which says so.
func TestChainedObserverControlIsPerExperiment(t *testing.T) {
	var reads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/payments":
			writeJSON(w, http.StatusOK, map[string]any{"id": "pay_" + randomHex()})
		case r.Method == http.MethodPost:
			writeJSON(w, http.StatusOK, map[string]any{"id": "re_" + randomHex()})
		default: // the refunds list, with an id rendered anew on every read
			reads.Add(1)
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"id": randomHex()}}})
		}
	}))
	defer srv.Close()
	parent := &openapi.Operation{ID: "createPayment", Method: "POST", Path: "/v1/payments",
		Request: &openapi.Request{Method: "POST", Path: "/v1/payments"}}
	op := openapi.Operation{ID: "createRefund", Method: "POST", Path: "/v1/payments/{id}/refunds",
		Request:    &openapi.Request{Method: "POST", Path: "/v1/payments/pay_x/refunds"},
		Collection: &openapi.Collection{Path: "/v1/payments/pay_x/refunds", Pointer: "/data"},
		Chain:      []openapi.Link{{Param: "id", From: "createPayment", Pointer: "/id", Source: "inferred from the path", Producer: parent}},
	}
	env := Config{BaseURL: srv.URL, Timeout: 5 * time.Second}
	x := newExperiment(newRun(env), Target{Op: &op, Observer: DefaultObserver(&op)})
	note, err := x.chain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if x.Observer != nil || !strings.Contains(note, "reads differently by itself") || !strings.Contains(x.Op.Request.Path, "/v1/payments/pay_") {
		t.Errorf("observer %v, note %q, path %s; want the chained list dropped for this experiment, saying why", x.Observer, note, x.Op.Request.Path)
	}
	if reads.Load() != 2 {
		t.Errorf("%d list reads, want the control's two", reads.Load())
	}
	// The next experiment's list, under its own parent, is the same
	// endpoint: the run knows it reads differently, and reads it no more.
	y := newExperiment(x.run, Target{Op: &op, Observer: DefaultObserver(&op)})
	if note, err := y.chain(context.Background()); err != nil || y.Observer != nil || !strings.Contains(note, "reads differently by itself") || reads.Load() != 2 {
		t.Errorf("second experiment: observer %v, note %q, err %v, %d list reads; want it dropped without reading", y.Observer, note, err, reads.Load())
	}
}

// TestDeclaredObserverThatChangesIsAnError: an observer the user declared
// that reads differently with nothing sent (other traffic moves the
// counter) is an error before the run, naming what changed: the user asked
// for that evidence, so it is not silently dropped, and its churn would be
// counted as side effects.
func TestDeclaredObserverThatChangesIsAnError(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"count": n.Add(1)})
	}))
	defer srv.Close()
	err := CheckObserver(context.Background(), Config{BaseURL: srv.URL}, &HTTPObserver{Label: "emails", Path: "/v1/emails/sent", Pointer: "/count"})
	if err == nil || !strings.Contains(err.Error(), "reads differently by itself") || !strings.Contains(err.Error(), "count 1 → 2") {
		t.Errorf("CheckObserver = %v, want an error saying the count changed by itself", err)
	}
	// the same counter, still: no error
	var still atomic.Int64
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		still.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"count": 7})
	}))
	defer srv2.Close()
	if err := CheckObserver(context.Background(), Config{BaseURL: srv2.URL}, &HTTPObserver{Label: "emails", Path: "/v1/emails/sent", Pointer: "/count"}); err != nil || still.Load() != 2 {
		t.Errorf("CheckObserver = %v after %d reads, want no error after two", err, still.Load())
	}
}

// TestReadingsDiffer pins what "reads differently" means for the control:
// counts and ids, leaving out items whose canary is in one reading only
// (other experiments' on a shared server), and an item's own fields.
func TestReadingsDiffer(t *testing.T) {
	item := func(id, json string) Item { return Item{ID: id, JSON: json} }
	snap := func(items ...Item) Snapshot { return Snapshot{Count: len(items), Items: items} }
	const mine, theirs = `{"d":"idem-0123456-89abcde"}`, `{"d":"idem-fedcba9-89abcde"}`
	tests := []struct {
		name string
		a, b Snapshot
		want string // "" when the readings agree
	}{
		{"the same", snap(item("1", `{}`)), snap(item("1", `{}`)), ""},
		{"a field re-rendered", snap(item("1", `{"at":1}`)), snap(item("1", `{"at":2}`)), ""},
		{"another experiment's item arrived", snap(item("1", `{}`)), snap(item("1", `{}`), item("2", theirs)), ""},
		{"an item without a canary arrived", snap(item("1", `{}`)), snap(item("1", `{}`), item("2", `{}`)), "count 1 → 2; 1 item(s) appeared (2)"},
		{"ids rendered anew", snap(item("1", `{}`)), snap(item("2", `{}`)), "rendered anew"},
		{"a canary item's id rendered anew", snap(item("1", mine)), snap(item("2", mine)), "the item carrying idem-0123456-89abcde read as 1, then 2"},
		{"a counter moved", Snapshot{Count: 4}, Snapshot{Count: 5}, "count 4 → 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readingsDiffer(tt.a, tt.b)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("readingsDiffer = %q, want %q", got, tt.want)
			}
		})
	}
}
