package probes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// customerPut and customerDelete are the planned PUT and DELETE
// /v1/customers/{id} of the example API, written out: each experiment
// takes a fresh {id}, which the PUT creates (openapi.FreshID).
func customerPut() openapi.Operation {
	req := &openapi.Request{Method: "PUT", Path: "/v1/customers/cus_t",
		Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"name": "Ada"}}}
	return openapi.Operation{ID: "upsertCustomer", Method: "PUT", Path: "/v1/customers/{id}", Request: req,
		Resource: &openapi.Resource{Get: "/v1/customers/cus_t"},
		Chain:    []openapi.Link{{Param: "id", From: "upsertCustomer", Fresh: &openapi.FreshID{}}}}
}

func customerDelete() openapi.Operation {
	put := customerPut()
	return openapi.Operation{ID: "deleteCustomer", Method: "DELETE", Path: "/v1/customers/{id}",
		Request:  &openapi.Request{Method: "DELETE", Path: "/v1/customers/cus_t"},
		Resource: &openapi.Resource{Get: "/v1/customers/cus_t"},
		Chain:    []openapi.Link{{Param: "id", From: "upsertCustomer", Fresh: &openapi.FreshID{By: "PUT /v1/customers/{id}"}, Producer: &put}}}
}

func TestNaturalProbesOnExampleAPIs(t *testing.T) {
	tests := []struct {
		flaw               payments.Flaw
		wantPut, wantDel   Verdict
		putReason, delText string
	}{
		{payments.FlawNone, Pass, Pass, "left GET /v1/customers/idemcheck-", "got 404"},
		{payments.FlawPutBumpsVersion, Fail, Pass, "the second PUT changed /version", "got 404"},
		{payments.FlawDeleteGone500, Pass, Fail, "unchanged", "failed with 500"},
		{payments.FlawNoIdempotency, Pass, Pass, "unchanged", "got 404"}, // keys are not the subject
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw)+"/", func(t *testing.T) {
			srv := startPayments(t, tt.flaw)
			put := runOneProbe(t, naturalPutProbe{}, srv.URL, customerPut(), Env{})
			if put.Verdict != tt.wantPut || !strings.Contains(put.Reason, tt.putReason) {
				t.Errorf("natural-put: %s (%s), want %s with %q; diffs %v", put.Verdict, put.Reason, tt.wantPut, tt.putReason, put.Diffs)
			}
			del := runOneProbe(t, naturalDeleteProbe{}, srv.URL, customerDelete(), Env{})
			if del.Verdict != tt.wantDel || !strings.Contains(del.Reason, tt.delText) {
				t.Errorf("natural-delete: %s (%s), want %s with %q", del.Verdict, del.Reason, tt.wantDel, tt.delText)
			}
			for _, r := range []Result{put, del} {
				if r.Verdict == Fail && (len(r.Evidence) == 0 || r.Rule == "" || r.Fix == "") {
					t.Errorf("%s: a failure without evidence, rule or fix", r.Probe)
				}
			}
			if tt.flaw == payments.FlawPutBumpsVersion && (len(put.Diffs) == 0 || !strings.Contains(put.Diffs[0], `body /version: `)) {
				t.Errorf("natural-put diffs %v: want a diff naming /version", put.Diffs)
			}
		})
	}
}

// things is a small resource server with a list, for the cases the example
// API has no flaw for: a timestamp that moves on every PUT, and a DELETE
// that removes something else when its target is already gone.
type things struct {
	mu      sync.Mutex
	items   map[string]map[string]any
	clock   int
	badGone bool // a DELETE of a missing item removes another one
	noisy   bool // a 404 carries a fresh request id
	// echoDelete answers a DELETE with the object it removed, as Stripe's
	// API does ({"id": …, "deleted": true}), not 204.
	echoDelete bool
}

func (s *things) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	id := strings.TrimPrefix(r.URL.Path, "/things/")
	switch {
	case r.URL.Path == "/things" && r.Method == "POST": // a create, keys ignored
		s.clock++
		id := fmt.Sprintf("t%d", s.clock)
		s.items[id] = map[string]any{"id": id}
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(s.items[id])
	case r.URL.Path == "/things" && r.Method == "GET":
		list := []any{}
		for _, v := range s.items {
			list = append(list, v)
		}
		json.NewEncoder(w).Encode(map[string]any{"data": list})
	case r.Method == "PUT":
		s.clock++
		var v map[string]any
		json.NewDecoder(r.Body).Decode(&v)
		v["id"], v["updated_at"] = id, fmt.Sprintf("2025-01-01T00:00:%02dZ", s.clock)
		s.items[id] = v
		json.NewEncoder(w).Encode(v)
	case r.Method == "GET":
		if v, ok := s.items[id]; ok {
			json.NewEncoder(w).Encode(v)
			return
		}
		w.WriteHeader(404)
		if s.noisy {
			s.clock++
			fmt.Fprintf(w, `{"error":"not found","request_id":"req-%d"}`, s.clock)
		}
	case r.Method == "DELETE":
		if _, ok := s.items[id]; ok {
			delete(s.items, id)
			if s.echoDelete {
				json.NewEncoder(w).Encode(map[string]any{"id": id, "deleted": true})
				return
			}
			w.WriteHeader(204)
			return
		}
		if s.badGone {
			for k := range s.items {
				delete(s.items, k)
				break
			}
		}
		w.WriteHeader(404)
	}
}

// thingOps are PUT and DELETE /things/{id} as planned: the document's
// example id is "a"; every experiment takes a fresh one, which the PUT
// creates.
func thingOps() (put, del openapi.Operation) {
	req := &openapi.Request{Method: "PUT", Path: "/things/a", Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"n": 1}}}
	res := &openapi.Resource{Get: "/things/a", List: "/things"}
	put = openapi.Operation{ID: "putThing", Method: "PUT", Path: "/things/{id}", Request: req, Resource: res,
		Chain: []openapi.Link{{Param: "id", From: "putThing", Fresh: &openapi.FreshID{}}}}
	delRes := *res
	creator := put
	del = openapi.Operation{ID: "deleteThing", Method: "DELETE", Path: "/things/{id}", Request: &openapi.Request{Method: "DELETE", Path: "/things/a"}, Resource: &delRes,
		Chain: []openapi.Link{{Param: "id", From: "putThing", Fresh: &openapi.FreshID{By: "PUT /things/{id}"}, Producer: &creator}}}
	return put, del
}

func TestNaturalPutTimestamp(t *testing.T) {
	srv := httptest.NewServer(&things{items: map[string]map[string]any{}})
	t.Cleanup(srv.Close)
	put, _ := thingOps()
	r := runOneProbe(t, naturalPutProbe{}, srv.URL, put, Env{})
	if r.Verdict != Fail || !strings.Contains(r.Reason, "--ignore-field /updated_at") {
		t.Errorf("without ignores: %s (%s), want a fail that suggests --ignore-field /updated_at", r.Verdict, r.Reason)
	}
	r = runOneProbe(t, naturalPutProbe{}, srv.URL, put, Env{IgnoreFields: []string{"/updated_at"}})
	if r.Verdict != Pass || !strings.Contains(r.Reason, "did not change the count of collection GET /things") {
		t.Errorf("with /updated_at ignored: %s (%s), want a pass that counted the list", r.Verdict, r.Reason)
	}
}

func TestNaturalDeleteTouchesOtherState(t *testing.T) {
	for _, bad := range []bool{false, true} {
		t.Run(fmt.Sprint("bad=", bad), func(t *testing.T) {
			s := &things{items: map[string]map[string]any{"other": {"id": "other"}}, badGone: bad}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			_, del := thingOps()
			r := runOneProbe(t, naturalDeleteProbe{}, srv.URL, del, Env{})
			want := Pass
			if bad {
				want = Fail
			}
			if r.Verdict != want {
				t.Fatalf("verdict %s (%s), want %s", r.Verdict, r.Reason, want)
			}
			if bad && !strings.Contains(r.Reason, "changed the count of collection GET /things by -1") {
				t.Errorf("reason %q does not name the list change", r.Reason)
			}
		})
	}
}

// TestNaturalDeleteLeavesTheExampleAlone: the DELETE acts on a resource
// its own PUT created under a fresh id, never on the document's example
// ("a"), so no later probe finds it gone (no verdict depends on the order
// probes run in) and nothing needs putting back.
func TestNaturalDeleteLeavesTheExampleAlone(t *testing.T) {
	s := &things{items: map[string]map[string]any{"a": {"id": "a", "n": 1}}}
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	_, del := thingOps()
	if r := runOneProbe(t, naturalDeleteProbe{}, srv.URL, del, Env{}); r.Verdict != Pass {
		t.Fatalf("verdict %s (%s), want pass", r.Verdict, r.Reason)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		if strings.HasSuffix(p, "/things/a") {
			t.Errorf("%s: a request to the document's example id", p)
		}
	}
	if len(paths) == 0 || !strings.HasPrefix(paths[0], "PUT /things/idemcheck-") {
		t.Errorf("first request %v, want the PUT that creates a fresh id", paths)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items["a"]; !ok || len(s.items) != 1 {
		t.Errorf("items after the probe: %v; want the example alone, untouched", s.items)
	}
}

func TestNaturalApplicability(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	missing := customerDelete()
	missing.Chain = nil // nothing creates it: the example id, which does not exist
	noState := customerPut()
	noState.Resource = nil
	tests := []struct {
		name   string
		p      Probe
		op     openapi.Operation
		want   Verdict
		reason string
	}{
		{"natural-put on a POST", naturalPutProbe{}, createPayment(), Skip, "not a PUT"},
		{"natural-delete on a PUT", naturalDeleteProbe{}, customerPut(), Skip, "not a DELETE"},
		{"nothing to delete, nothing to create it with", naturalDeleteProbe{}, missing, Skip, "nothing in the document creates it"},
		{"PUT without a GET is judged on status", naturalPutProbe{}, noState, Pass, "the state was not compared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runOneProbe(t, tt.p, srv.URL, tt.op, Env{})
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("%s (%s), want %s with %q", r.Verdict, r.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestStateDiffAndTimestampHint(t *testing.T) {
	mk := func(body string) *reply { return &reply{Status: 200, Header: http.Header{}, Body: []byte(body)} }
	tests := []struct {
		name        string
		a, b        string
		wantChanged []string
		wantHint    bool
	}{
		{"same", `{"a":1}`, `{"a":1}`, nil, false},
		{"version bump", `{"a":1,"version":1}`, `{"a":1,"version":2}`, []string{"/version"}, false},
		{"timestamps only", `{"updated_at":"1","modifiedTime":"1"}`, `{"updated_at":"2","modifiedTime":"2"}`, []string{"/modifiedTime", "/updated_at"}, true},
		{"timestamp and version", `{"updated_at":"1","version":1}`, `{"updated_at":"2","version":2}`, []string{"/updated_at", "/version"}, false},
		{"field added", `{"a":1}`, `{"a":1,"b":2}`, []string{"/b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, changed := stateDiff(mk(tt.a), mk(tt.b), nil)
			if (d == "") != (tt.wantChanged == nil) {
				t.Errorf("diff %q for %s vs %s", d, tt.a, tt.b)
			}
			if diff := cmp.Diff(tt.wantChanged, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
			if hint := timestampHint(changed); (hint != "") != tt.wantHint {
				t.Errorf("hint %q, want hint=%v", hint, tt.wantHint)
			}
		})
	}
}

// TestNaturalDeleteNotFoundBodiesMayDiffer: two 404s after the deletes are
// the same state even when their bodies carry different request ids.
func TestNaturalDeleteNotFoundBodiesMayDiffer(t *testing.T) {
	srv := httptest.NewServer(&things{items: map[string]map[string]any{}, noisy: true})
	t.Cleanup(srv.Close)
	_, del := thingOps()
	if r := runOneProbe(t, naturalDeleteProbe{}, srv.URL, del, Env{}); r.Verdict != Pass {
		t.Errorf("verdict %s (%s), want pass; diffs %v", r.Verdict, r.Reason, r.Diffs)
	}
}
