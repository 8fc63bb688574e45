package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

// putCreatedSpec: customers created by PUT with an id the client chooses
// (an upsert), read by GET, changed by a keyed PATCH that needs the
// customer to exist. The ids have a pattern, and the document's example id
// is never created by anyone.
const putCreatedSpec = `openapi: 3.0.3
info:
  title: customers
  version: "1"
  description: Idempotency keys are scoped to the caller and retained for 24 hours.
paths:
  /v1/customers/{id}:
    parameters:
      - {name: id, in: path, required: true, example: cus_example1, schema: {type: string, pattern: "^cus_[a-z0-9]{8,40}$", maxLength: 44}}
    put:
      operationId: upsertCustomer
      summary: Create or replace a customer
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CustomerIn'}}}
      responses:
        "200": {description: stored, content: {application/json: {schema: {$ref: '#/components/schemas/Customer'}}}}
        "400": {description: invalid}
    get:
      operationId: getCustomer
      responses:
        "200": {description: the customer, content: {application/json: {schema: {$ref: '#/components/schemas/Customer'}}}}
        "404": {description: not found}
    patch:
      operationId: updateCustomer
      summary: Update a customer
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string, maxLength: 255}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CustomerIn'}}}
      responses:
        "200": {description: updated, content: {application/json: {schema: {$ref: '#/components/schemas/Customer'}}}}
        "404": {description: no such customer}
        "409": {description: a request with this key is in flight}
        "422": {description: the key was used with another request}
components:
  schemas:
    CustomerIn:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 100}
    Customer:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
`

// putCreatedAPI serves putCreatedSpec correctly: PUT upserts, PATCH 404s
// unless the customer exists, keyed PATCHes are stored per caller and key
// (replayed with Idempotent-Replayed, 409 in flight, 422 for another
// request). It records every path it was sent.
type putCreatedAPI struct {
	mu        sync.Mutex
	customers map[string]map[string]any // caller + id
	keys      map[string]*storedReply   // caller + key
	paths     []string
}

var customerID = regexp.MustCompile(`^cus_[a-z0-9]{8,40}$`)

func (s *putCreatedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	caller := r.Header.Get("Authorization")
	s.mu.Lock()
	s.paths = append(s.paths, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	id, ok := strings.CutPrefix(r.URL.Path, "/v1/customers/")
	if !ok || !customerID.MatchString(id) || len(id) > 44 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid customer id"})
		return
	}
	k := caller + "\x00" + id
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		c, ok := s.customers[k]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such customer"})
			return
		}
		writeJSON(w, http.StatusOK, c)
	case http.MethodPut:
		in, ok := customerIn(body)
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "name is required"})
			return
		}
		c := map[string]any{"id": id, "name": in}
		s.mu.Lock()
		s.customers[k] = c
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, c)
	case http.MethodPatch:
		s.patch(w, r, caller, k, id, body)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
	}
}

func (s *putCreatedAPI) patch(w http.ResponseWriter, r *http.Request, caller, k, id string, body []byte) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > 255 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Idempotency-Key is required (at most 255 characters)"})
		return
	}
	fp := r.Method + " " + r.URL.Path + " " + string(bytes.TrimSpace(body))
	sk := caller + "\x00" + key
	s.mu.Lock()
	if st, seen := s.keys[sk]; seen {
		prev := *st // read under the lock: the first may still be finishing
		s.mu.Unlock()
		switch {
		case prev.fingerprint != fp:
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "the key was used with another request"})
		case !prev.done:
			writeJSON(w, http.StatusConflict, map[string]any{"error": "a request with this key is in flight"})
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.status)
			w.Write(prev.body)
		}
		return
	}
	st := &storedReply{fingerprint: fp}
	s.keys[sk] = st
	s.mu.Unlock()

	status, out := http.StatusOK, any(nil)
	in, valid := customerIn(body)
	time.Sleep(2 * time.Millisecond) // processing takes a moment: duplicates meet it in flight
	s.mu.Lock()
	_, exists := s.customers[k]
	switch {
	case !valid:
		status, out = http.StatusBadRequest, map[string]any{"error": "name is required"}
	case !exists:
		status, out = http.StatusNotFound, map[string]any{"error": "no such customer " + id}
	default:
		c := map[string]any{"id": id, "name": in}
		s.customers[k] = c
		out = c
	}
	st.status, st.body, st.done = status, mustJSON(out), true
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(st.body)
}

func customerIn(body []byte) (string, bool) {
	var in struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(body, &in) != nil || in.Name == "" {
		return "", false
	}
	return in.Name, true
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestPatchOnPutCreatedResourceNeverUsesTheExampleID (issue 23): a PATCH
// on a resource that a PUT creates under a client-chosen id runs on a
// fresh, schema-valid id that the PUT created first. Before, it went to the
// document's example id, got 404, and the gate said "not tested" on a
// correct API; whether it did depended on whether natural-put had created
// the example first.
func TestPatchOnPutCreatedResourceNeverUsesTheExampleID(t *testing.T) {
	ops := planDoc(t, "customers.yaml", putCreatedSpec)
	api := &putCreatedAPI{customers: map[string]map[string]any{}, keys: map[string]*storedReply{}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	env := Config{
		BaseURL:     srv.URL,
		Header:      http.Header{"Authorization": {"Bearer a"}},
		OtherHeader: http.Header{"Authorization": {"Bearer b"}},
		Timeout:     5 * time.Second,
		Rounds:      3,
	}
	results := Run(context.Background(), ops, All(), env)
	ran := map[string]bool{}
	for _, r := range results {
		if r.Verdict != Pass && r.Verdict != Skip || r.Reason == "" {
			t.Errorf("%s %s: %s (%s), want a pass or a skip with its reason; diffs %v", r.Operation.ID, r.Probe, r.Verdict, r.Reason, r.Diffs)
		}
		if r.Operation.ID == "updateCustomer" && r.Verdict == Pass {
			ran[r.Probe] = true
		}
	}
	for _, p := range []string{"replay", "concurrent", "mismatch-body", "mismatch-target", "cross-principal", "key-format"} {
		if !ran[p] {
			t.Errorf("%s did not pass on the PATCH: the test shows less than it claims", p)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	for _, p := range api.paths {
		if strings.Contains(p, "cus_example1") {
			t.Errorf("%s: a request to the document's example id", p)
		}
	}
}

// TestPutCreatedVerdictsDoNotDependOnOrder (issue 23): the PUT-created
// customers checked whole, and each operation alone on a fresh server of
// its own (a shard of one, the other operations planned), get the same
// verdicts. Before, the PATCH alone went to the example id, which only a
// natural-put run before it had created.
func TestPutCreatedVerdictsDoNotDependOnOrder(t *testing.T) {
	ops := planDoc(t, "customers.yaml", putCreatedSpec)
	run := func(subset []openapi.Operation) map[string]string {
		api := &putCreatedAPI{customers: map[string]map[string]any{}, keys: map[string]*storedReply{}}
		srv := httptest.NewServer(api)
		defer srv.Close()
		env := Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a"}}, OtherHeader: http.Header{"Authorization": {"Bearer b"}},
			Timeout: 5 * time.Second, Rounds: 2, Planned: DefaultTargets(ops)}
		out := map[string]string{}
		for _, r := range Run(context.Background(), subset, All(), env) {
			out[r.Operation.ID+" "+r.Probe] = string(r.Verdict)
		}
		return out
	}
	whole := run(ops)
	alone := map[string]string{}
	for i := range ops {
		for k, v := range run(ops[i : i+1]) {
			alone[k] = v
		}
	}
	if d := cmp.Diff(whole, alone); d != "" {
		t.Errorf("each operation alone disagrees with the whole run (-whole +alone):\n%s", d)
	}
}
