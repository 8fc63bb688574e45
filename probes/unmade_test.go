package probes

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

// unmadeSpec has resources that nothing in it creates (pins, fees), a
// parent collection written with another parameter name than its items'
// (Stripe's /v1/application_fees/{id}/refunds beside
// /v1/application_fees/{fee}/refunds/{id}), and a create whose response
// does not name what it created (DigitalOcean's attach operations). Every
// operation takes an Idempotency-Key, so every probe runs on it.
const unmadeSpec = `openapi: 3.0.3
info:
  title: unmade
  version: "1"
  description: Idempotency keys are scoped to the caller and retained for 24 hours.
components:
  parameters:
    key: {name: Idempotency-Key, in: header, required: true, schema: {type: string, maxLength: 255}}
    optionalKey: {name: Idempotency-Key, in: header, schema: {type: string, maxLength: 255}}
    pin: {name: pin_id, in: path, required: true, example: pin_example1, schema: {type: string, pattern: "^pin_[a-z0-9]{6,40}$"}}
  responses:
    gone: {description: no such resource}
    busy: {description: a request with this key is in flight}
    reused: {description: the key was used with another request}
  schemas:
    Note:
      type: object
      properties: {text: {type: string, minLength: 1, maxLength: 100}}
      required: [text]
    Refund:
      type: object
      properties: {id: {type: string, readOnly: true}, amount: {type: integer}}
paths:
  /v1/pins/{pin_id}:
    parameters: [{$ref: '#/components/parameters/pin'}]
    get:
      operationId: getPin
      responses: {"200": {description: the pin, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}, "404": {$ref: '#/components/responses/gone'}}
    delete:
      operationId: deletePin
      parameters: [{$ref: '#/components/parameters/optionalKey'}]
      responses: {"200": {description: deleted}, "404": {$ref: '#/components/responses/gone'}, "409": {$ref: '#/components/responses/busy'}, "422": {$ref: '#/components/responses/reused'}}
  /v1/pins/{pin_id}/notes:
    parameters: [{$ref: '#/components/parameters/pin'}]
    post:
      operationId: addPinNote
      parameters: [{$ref: '#/components/parameters/key'}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
      responses: {"201": {description: noted}, "404": {$ref: '#/components/responses/gone'}, "409": {$ref: '#/components/responses/busy'}, "422": {$ref: '#/components/responses/reused'}}
  /v1/fees/{id}/refunds:
    post:
      operationId: createFeeRefund
      parameters:
        - {name: id, in: path, required: true, example: fee_producer1, schema: {type: string, maxLength: 40}}
        - {$ref: '#/components/parameters/key'}
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [amount], properties: {amount: {type: integer, minimum: 1, maximum: 100}}}}}}
      responses:
        "201": {description: refunded, content: {application/json: {schema: {$ref: '#/components/schemas/Refund'}}}}
        "404": {$ref: '#/components/responses/gone'}
        "409": {$ref: '#/components/responses/busy'}
        "422": {$ref: '#/components/responses/reused'}
  /v1/fees/{fee}/refunds/{id}:
    post:
      operationId: updateFeeRefund
      parameters:
        - {name: fee, in: path, required: true, example: fee_consumer1, schema: {type: string, maxLength: 40}}
        - {name: id, in: path, required: true, example: re_example1, schema: {type: string, maxLength: 40}}
        - {$ref: '#/components/parameters/key'}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
      responses:
        "200": {description: updated, content: {application/json: {schema: {$ref: '#/components/schemas/Refund'}}}}
        "404": {$ref: '#/components/responses/gone'}
        "409": {$ref: '#/components/responses/busy'}
        "422": {$ref: '#/components/responses/reused'}
  /v1/widgets:
    post:
      operationId: attachWidget
      parameters: [{$ref: '#/components/parameters/key'}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
      responses:
        "201": {description: attached; the answer is the owner, not the widget, content: {application/json: {schema: {type: object, properties: {owner: {type: object, properties: {name: {type: string}}}}}}}}
        "409": {$ref: '#/components/responses/busy'}
        "422": {$ref: '#/components/responses/reused'}
  /v1/widgets/{widget_id}:
    delete:
      operationId: detachWidget
      parameters:
        - {name: widget_id, in: path, required: true, schema: {type: string, maxLength: 40}}
        - {$ref: '#/components/parameters/key'}
      responses: {"200": {description: detached}, "404": {$ref: '#/components/responses/gone'}, "409": {$ref: '#/components/responses/busy'}, "422": {$ref: '#/components/responses/reused'}}
`

// unmadeAPI serves unmadeSpec correctly. A real server (sandbox false) has
// no pins and no fees: nothing in the document makes them, so every id
// idemcheck can send names nothing. A sandbox holds every pin and fee a
// valid id names until it is deleted, as the generic server does. Refunds
// exist once created, under the fee they were created under; the widgets'
// ids are never told.
type unmadeAPI struct {
	sandbox bool
	mu      sync.Mutex
	deleted map[string]bool // sandbox pins deleted, by caller and id
	refunds map[string]bool // by caller, fee and refund id
	keys    map[string]*storedReply
	paths   []string
	n       int
}

func newUnmadeAPI(sandbox bool) *unmadeAPI {
	return &unmadeAPI{sandbox: sandbox, deleted: map[string]bool{}, refunds: map[string]bool{}, keys: map[string]*storedReply{}}
}

var pinID = regexp.MustCompile(`^pin_[a-z0-9]{6,40}$`)

func (s *unmadeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	caller := r.Header.Get("Authorization")
	s.mu.Lock()
	s.paths = append(s.paths, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) < 2 || segs[0] != "v1" {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such path"})
		return
	}
	if len(segs) >= 3 && segs[1] == "pins" && !pinID.MatchString(segs[2]) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid pin id " + segs[2]})
		return
	}
	if r.Method == http.MethodGet {
		s.mu.Lock()
		ok := len(segs) == 3 && segs[1] == "pins" && s.pinExists(caller, segs[2])
		s.mu.Unlock()
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such pin"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": segs[2]})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" && r.Method == http.MethodDelete && segs[1] == "pins" { // a DELETE is idempotent without one
		s.mu.Lock()
		status, out := s.process(r.Method, segs, caller)
		s.mu.Unlock()
		writeJSON(w, status, out)
		return
	}
	if key == "" || len(key) > 255 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Idempotency-Key is required (at most 255 characters)"})
		return
	}
	fp := r.Method + " " + r.URL.Path + " " + string(bytes.TrimSpace(body))
	sk := caller + "\x00" + key
	s.mu.Lock()
	if st, seen := s.keys[sk]; seen {
		prev := *st
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

	time.Sleep(2 * time.Millisecond) // processing takes a moment: duplicates meet it in flight
	s.mu.Lock()
	status, out := s.process(r.Method, segs, caller)
	st.status, st.body, st.done = status, mustJSON(out), true
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(st.body)
}

// pinExists: caller holds s.mu.
func (s *unmadeAPI) pinExists(caller, id string) bool {
	return s.sandbox && !s.deleted[caller+"\x00"+id]
}

// process carries out a keyed request; caller holds s.mu.
func (s *unmadeAPI) process(method string, segs []string, caller string) (int, any) {
	gone := func(what string) (int, any) {
		return http.StatusNotFound, map[string]any{"error": "no such resource: " + what}
	}
	switch {
	case segs[1] == "pins" && len(segs) == 3 && method == http.MethodDelete:
		if !s.pinExists(caller, segs[2]) {
			return gone("/v1/pins/" + segs[2])
		}
		s.deleted[caller+"\x00"+segs[2]] = true
		return http.StatusOK, map[string]any{"id": segs[2], "deleted": true}
	case segs[1] == "pins" && len(segs) == 4 && method == http.MethodPost:
		if !s.pinExists(caller, segs[2]) {
			return gone("/v1/pins/" + segs[2])
		}
		s.n++
		return http.StatusCreated, map[string]any{"id": fmt.Sprintf("note_%d", s.n)}
	case segs[1] == "fees" && len(segs) == 4 && method == http.MethodPost:
		if !s.sandbox {
			return gone("/v1/fees/" + segs[2])
		}
		s.n++
		id := fmt.Sprintf("re_%d", s.n)
		s.refunds[caller+"\x00"+segs[2]+"\x00"+id] = true
		return http.StatusCreated, map[string]any{"id": id, "amount": 1}
	case segs[1] == "fees" && len(segs) == 5 && method == http.MethodPost:
		if !s.refunds[caller+"\x00"+segs[2]+"\x00"+segs[4]] {
			return gone("/v1/fees/" + segs[2] + "/refunds/" + segs[4])
		}
		return http.StatusOK, map[string]any{"id": segs[4], "amount": 1}
	case segs[1] == "widgets" && len(segs) == 2 && method == http.MethodPost:
		s.n++
		return http.StatusCreated, map[string]any{"owner": map[string]any{"name": "owner"}}
	case segs[1] == "widgets" && len(segs) == 3 && method == http.MethodDelete:
		return gone("/v1/widgets/" + segs[2])
	}
	return http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"}
}

func planUnmade(t *testing.T) []openapi.Operation {
	t.Helper()
	ctx := context.Background()
	doc, err := openapi.LoadData(ctx, []byte(unmadeSpec), "unmade.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func unmadeEnv(url string, ops []openapi.Operation) Config {
	return Config{BaseURL: url, Header: http.Header{"Authorization": {"Bearer a"}}, OtherHeader: http.Header{"Authorization": {"Bearer b"}},
		Timeout: 5 * time.Second, Rounds: 2, Planned: DefaultTargets(ops)}
}

// TestUnmadeResourcesAreSkippedNotErrors (chains, point 3): on a server
// where the resources nothing in the document creates do not exist,
// every experiment that needs one is a skip that says what is missing and
// that path_params can name one, never an error; so is a parent whose
// create answers without naming what it created. Nothing errs, nothing
// passes that did not run.
func TestUnmadeResourcesAreSkippedNotErrors(t *testing.T) {
	ops := planUnmade(t)
	api := newUnmadeAPI(false)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	results := Run(context.Background(), ops, All(), unmadeEnv(srv.URL, ops))
	skipped := map[string]bool{}
	for _, r := range results {
		if r.Verdict == Error || r.Verdict == Fail {
			t.Errorf("%s %s: %s (%s)", r.Operation.ID, r.Probe, r.Verdict, r.Reason)
			continue
		}
		if r.Verdict != Skip || isStatic(probeByID(t, r.Probe)) {
			continue
		}
		switch r.Operation.ID {
		case "deletePin", "addPinNote", "createFeeRefund", "updateFeeRefund":
			// the refund's fee is the update's {fee}, its producer's {id}: configured on the update
			if strings.Contains(r.Reason, "nothing in the document creates") && strings.Contains(r.Reason, "path_params") &&
				(r.Operation.ID != "updateFeeRefund" || strings.Contains(r.Reason, "operations.updateFeeRefund.path_params.fee")) {
				skipped[r.Operation.ID] = true
			}
		case "detachWidget":
			if strings.Contains(r.Reason, "nothing in its response names the new resource") && strings.Contains(r.Reason, "path_params.widget_id") {
				skipped[r.Operation.ID] = true
			}
		}
	}
	for _, id := range []string{"deletePin", "addPinNote", "createFeeRefund", "updateFeeRefund", "detachWidget"} {
		if !skipped[id] {
			t.Errorf("%s: no experiment was skipped for what nothing makes", id)
		}
	}
	for _, r := range results {
		if r.Operation.ID == "deletePin" && r.Verdict == Skip && strings.Contains(r.Reason, "pin_example1") {
			t.Errorf("deletePin %s: skipped on the document's example id (%s); a DELETE gets a fresh id", r.Probe, r.Reason)
		}
	}
}

// TestDeleteOfUnmadeResourceVerdictsDoNotDependOnOrder (chains, point 4):
// on a sandbox where any valid pin exists until deleted, every experiment
// on deletePin takes a fresh id of its own, so the DELETEs are tested and
// get the same verdicts whether the run is whole, with its operations and
// probes reversed, in two shards, or each operation alone (a shard of one). Before, they shared the example id:
// the first to DELETE it left a 404 for every later one. The refund update
// under a fee named {fee} is made under that very fee by POST
// /v1/fees/{id}/refunds.
func TestDeleteOfUnmadeResourceVerdictsDoNotDependOnOrder(t *testing.T) {
	ops := planUnmade(t)
	run := func(subset []openapi.Operation, probes ...Probe) (map[string]string, []string) {
		api := newUnmadeAPI(true)
		srv := httptest.NewServer(api)
		defer srv.Close()
		if len(probes) == 0 {
			probes = All()
		}
		out := map[string]string{}
		for _, r := range Run(context.Background(), subset, probes, unmadeEnv(srv.URL, ops)) {
			out[r.Operation.ID+" "+r.Probe] = string(r.Verdict)
			if r.Verdict == Error || r.Verdict == Fail {
				t.Errorf("%s %s: %s (%s)", r.Operation.ID, r.Probe, r.Verdict, r.Reason)
			}
		}
		api.mu.Lock()
		defer api.mu.Unlock()
		return out, slices.Clone(api.paths)
	}
	// Every run has a server of its own: they run at once, and are
	// compared once all are done.
	reversed := slices.Clone(ops)
	slices.Reverse(reversed)
	backwards := slices.Clone(All())
	slices.Reverse(backwards)
	var sharded [][]openapi.Operation
	for k := 1; k <= 2; k++ {
		mine, err := Shard(ops, k, 2, ObserverKey(nil))
		if err != nil {
			t.Fatal(err)
		}
		sharded = append(sharded, mine)
	}
	var whole, back map[string]string
	var paths []string
	shardGot, aloneGot := make([]map[string]string, len(sharded)), make([]map[string]string, len(ops))
	var wg sync.WaitGroup
	wg.Go(func() { whole, paths = run(ops) })
	wg.Go(func() { back, _ = run(reversed, backwards...) })
	for k := range sharded {
		wg.Go(func() { shardGot[k], _ = run(sharded[k]) })
	}
	for i := range ops {
		wg.Go(func() { aloneGot[i], _ = run(ops[i : i+1]) })
	}
	wg.Wait()
	for _, p := range paths {
		if strings.HasPrefix(p, "DELETE ") && strings.Contains(p, "pin_example1") {
			t.Errorf("%s: a DELETE of the document's example id", p)
		}
	}
	for _, id := range []string{"deletePin", "updateFeeRefund"} {
		for _, p := range []string{"replay", "concurrent", "mismatch-body", "mismatch-target", "key-format"} {
			if v := whole[id+" "+p]; v != string(Pass) && !(id == "deletePin" && p == "mismatch-body") {
				t.Errorf("%s %s: %s, want a pass", id, p, v)
			}
		}
	}
	if d := cmp.Diff(whole, back); d != "" {
		t.Errorf("the run with operations and probes reversed disagrees with the whole run (-whole +reversed):\n%s", d)
	}
	shards := map[string]string{}
	for _, got := range shardGot {
		for key, v := range got {
			shards[key] = v
		}
	}
	if d := cmp.Diff(whole, shards); d != "" {
		t.Errorf("--shard 1/2 and 2/2 merged disagree with the whole run (-whole +shards):\n%s", d)
	}
	alone := map[string]string{}
	for _, got := range aloneGot {
		for k, v := range got {
			alone[k] = v
		}
	}
	if d := cmp.Diff(whole, alone); d != "" {
		t.Errorf("each operation alone disagrees with the whole run (-whole +alone):\n%s", d)
	}
}

// probeByID finds a probe of All by its id.
func probeByID(t *testing.T, id string) Probe {
	t.Helper()
	for _, p := range All() {
		if p.Meta(nil).ID == id {
			return p
		}
	}
	t.Fatalf("no probe %s", id)
	return nil
}
