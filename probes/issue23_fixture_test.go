package probes

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// The observers' tests of issue 23 run the planner and the probes against
// a correct, Stripe-style API on a real socket: customers created with
// POST /v1/customers, listed with GET /v1/customers ({"object": "list",
// "data": [...]}), updated with POST /v1/customers/{customer} and read
// with GET /v1/customers/{customer}; things replaced with PUT and removed
// with DELETE /v1/things/{thing}. Keyed requests go through a correct
// idempotency layer. Options make its reads misbehave the way real ones
// do, without anything wrong in its writes.

// customersSpec is the document of the fixture.
const customersSpec = `openapi: 3.0.3
info: {title: customers, version: "1"}
paths:
  /v1/customers:
    get:
      responses:
        "200":
          description: a list
          content:
            application/json:
              schema:
                type: object
                properties:
                  object: {type: string, enum: [list]}
                  data: {type: array, items: {$ref: "#/components/schemas/Customer"}}
                  has_more: {type: boolean}
    post:
      operationId: PostCustomers
      parameters: [{$ref: "#/components/parameters/Key"}]
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/CustomerWrite"}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}}
  /v1/customers/{customer}:
    parameters:
      - {name: customer, in: path, required: true, schema: {type: string, maxLength: 5000}}
    get:
      responses:
        "200":
          description: one customer
          content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}
    post:
      operationId: PostCustomersCustomer
      parameters: [{$ref: "#/components/parameters/Key"}]
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/CustomerWrite"}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}}
  /v1/things/{thing}:
    parameters:
      - {name: thing, in: path, required: true, schema: {type: string, example: th_1}}
    get:
      responses:
        "200":
          description: one thing
          content: {application/json: {schema: {type: object, properties: {id: {type: string}, size: {type: integer}}}}}
    put:
      operationId: PutThing
      requestBody:
        content: {application/json: {schema: {type: object, properties: {size: {type: integer, example: 3}}}}}
      responses: {"200": {description: ok}}
    delete:
      operationId: DeleteThing
      responses: {"204": {description: gone}}
components:
  parameters:
    Key:
      name: Idempotency-Key
      in: header
      required: true
      description: Keys are retained for 24 hours.
      schema: {type: string, maxLength: 255}
  schemas:
    CustomerWrite:
      type: object
      properties: {description: {type: string, maxLength: 200}}
    Customer:
      type: object
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        description: {type: string}
`

// customerOptions are the ways the fixture's reads misbehave.
type customerOptions struct {
	rerenderIDs bool  // the list renders fresh ids on every read
	listFailsAt int64 // once this many keyed POSTs arrived, the list answers 500; 0 never
	freshFields bool  // a thing's GET carries a fresh request id and timestamp
	slowClock   bool  // a thing's GET carries a field that changes from its third read on, on every read
	allRandom   bool  // every field of a thing's GET is random
	bumpVersion bool  // a PUT bumps the thing's version: a real defect
	softDelete  bool  // a DELETE marks the thing deleted; its GET still answers 200
}

// customerServer is the fixture; listReads counts GET /v1/customers.
type customerServer struct {
	opt       customerOptions
	mu        sync.Mutex
	customers []map[string]any
	things    map[string]map[string]any
	keys      map[string]*storedReply
	n         int
	listReads atomic.Int64
	posts     atomic.Int64
	thingGets atomic.Int64
}

// storedReply is a keyed request's stored result; done is false in flight.
type storedReply struct {
	fingerprint string
	done        bool
	status      int
	body        []byte
}

func newCustomerServer(t *testing.T, opt customerOptions) (*customerServer, *httptest.Server) {
	t.Helper()
	s := &customerServer{opt: opt, things: map[string]map[string]any{}, keys: map[string]*storedReply{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/customers", s.list)
	mux.HandleFunc("POST /v1/customers", s.keyed(s.create))
	mux.HandleFunc("GET /v1/customers/{customer}", s.get)
	mux.HandleFunc("POST /v1/customers/{customer}", s.keyed(s.update))
	mux.HandleFunc("GET /v1/things/{thing}", s.getThing)
	mux.HandleFunc("PUT /v1/things/{thing}", s.putThing)
	mux.HandleFunc("DELETE /v1/things/{thing}", s.deleteThing)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return s, srv
}

// keyed is a correct idempotency layer: keys scoped to the principal,
// method and path; a retry replays the stored result; a key in flight gets
// 409; a key reused with another body gets 422.
func (s *customerServer) keyed(h func(body map[string]any, r *http.Request) (int, any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.posts.Add(1)
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if len(raw) > 0 && json.Unmarshal(raw, &body) != nil {
			http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" || len(key) > 255 {
			http.Error(w, `{"error":"a key of 1 to 255 characters is required"}`, http.StatusBadRequest)
			return
		}
		scope := r.Header.Get("Authorization") + "\x00" + r.Method + " " + r.URL.Path + "\x00" + key
		s.mu.Lock()
		e := s.keys[scope]
		switch {
		case e != nil && e.fingerprint != string(raw):
			s.mu.Unlock()
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		case e != nil && !e.done:
			s.mu.Unlock()
			w.WriteHeader(http.StatusConflict)
			return
		case e != nil:
			s.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(e.status)
			w.Write(e.body)
			return
		}
		e = &storedReply{fingerprint: string(raw)}
		s.keys[scope] = e
		s.mu.Unlock()
		status, v := h(body, r)
		out, _ := json.Marshal(v)
		s.mu.Lock()
		e.done, e.status, e.body = true, status, out
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(out)
	}
}

func (s *customerServer) create(body map[string]any, _ *http.Request) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	c := map[string]any{"id": fmt.Sprintf("cus_%06d", s.n), "object": "customer", "description": body["description"]}
	s.customers = append(s.customers, c)
	return http.StatusOK, maps.Clone(c) // keyed encodes it after the lock is released
}

func (s *customerServer) update(body map[string]any, r *http.Request) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.customers {
		if c["id"] == r.PathValue("customer") {
			c["description"] = body["description"]
			return http.StatusOK, maps.Clone(c) // keyed encodes it after the lock is released
		}
	}
	// Stripe's update of a customer that does not exist: 404, a business
	// answer the probes must take for what it is.
	return http.StatusNotFound, map[string]any{"error": map[string]any{"code": "resource_missing"}}
}

func (s *customerServer) list(w http.ResponseWriter, _ *http.Request) {
	s.listReads.Add(1)
	if s.opt.listFailsAt > 0 && s.posts.Load() >= s.opt.listFailsAt {
		http.Error(w, `{"error":"the list is down"}`, http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	data := make([]map[string]any, 0, len(s.customers))
	for i := len(s.customers) - 1; i >= 0; i-- {
		c := map[string]any{}
		for k, v := range s.customers[i] {
			c[k] = v
		}
		if s.opt.rerenderIDs {
			c["id"] = "cus_" + randomHex()
		}
		data = append(data, c)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": false})
}

func (s *customerServer) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.customers {
		if c["id"] == r.PathValue("customer") {
			writeJSON(w, http.StatusOK, c)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": "resource_missing"}})
}

func (s *customerServer) getThing(w http.ResponseWriter, r *http.Request) {
	n := s.thingGets.Add(1)
	s.mu.Lock()
	th := s.things[r.PathValue("thing")]
	out := map[string]any{}
	for k, v := range th {
		out[k] = v
	}
	s.mu.Unlock()
	if th == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such thing", "request_id": randomHex()})
		return
	}
	if s.opt.freshFields {
		out["request_id"] = randomHex()
		out["fetched_at"] = time.Now().Format(time.RFC3339Nano)
	}
	if s.opt.slowClock && n >= 3 {
		out["clock"] = n
	}
	if s.opt.allRandom {
		out = map[string]any{"id": randomHex(), "size": randomHex()}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *customerServer) putThing(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("thing")
	th := s.things[id]
	version := 1.0
	if th != nil && s.opt.bumpVersion {
		version = th["version"].(float64) + 1
	}
	s.things[id] = map[string]any{"id": id, "size": body["size"], "version": version}
	writeJSON(w, http.StatusOK, s.things[id])
}

func (s *customerServer) deleteThing(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if th := s.things[r.PathValue("thing")]; th != nil && s.opt.softDelete {
		th["deleted"] = true
	} else {
		delete(s.things, r.PathValue("thing"))
	}
	w.WriteHeader(http.StatusNoContent)
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// planCustomers plans the fixture's document as check does.
func planCustomers(t *testing.T) []openapi.Operation {
	t.Helper()
	return planSpec(t, "customers.yaml", customersSpec)
}

// customersEnv is a quick run's settings against base.
func customersEnv(t *testing.T, base string) Config {
	return Config{
		BaseURL: base, Timeout: 5 * time.Second, Rounds: 2, Concurrency: 4,
		Header:      http.Header{"Authorization": {"Bearer " + t.Name()}},
		OtherHeader: http.Header{"Authorization": {"Bearer other-" + t.Name()}},
	}
}

// resultsOf runs probes on the operations named (all when none) and
// returns the results by "operationId probe".
func resultsOf(t *testing.T, base string, ops []openapi.Operation, probes []Probe, only ...string) map[string]Result {
	t.Helper()
	env := customersEnv(t, base)
	targets := DefaultTargets(ops)
	env.Planned = targets
	var run []Target
	for _, tg := range targets {
		if len(only) == 0 || contains(only, tg.Op.ID) {
			run = append(run, tg)
		}
	}
	out := map[string]Result{}
	for _, r := range RunTargets(context.Background(), run, probes, env) {
		out[r.Operation.ID+" "+r.Probe] = r
	}
	return out
}

// notes joins a result's diffs for assertions.
func notes(r Result) string {
	var b bytes.Buffer
	for _, d := range r.Diffs {
		b.WriteString(d)
		b.WriteByte('\n')
	}
	return b.String()
}
