package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

// createdSpec: things created with 201 (their description takes the
// canary), widgets created with 200 and no free-form field, an action on a
// thing that answers with the thing, and boxes a PUT creates under an id
// the client chooses. Things, widgets and boxes have a DELETE.
const createdSpec = `openapi: 3.0.3
info: {title: created, version: "1"}
paths:
  /things:
    post:
      operationId: createThing
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, required: [size], properties: {size: {type: integer, minimum: 1, maximum: 9}, description: {type: string, maxLength: 100}, note: {type: string, maxLength: 100}}}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    delete:
      operationId: deleteThing
      responses: {"204": {description: deleted}, "404": {description: gone}}
  /things/{id}/capture:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      operationId: captureThing
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      responses:
        "200": {description: the thing, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /widgets:
    post:
      operationId: createWidget
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, required: [size], properties: {size: {type: integer, minimum: 1, maximum: 9}}}}}
      responses:
        "200": {description: the widget, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /widgets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    delete:
      operationId: deleteWidget
      responses: {"204": {description: deleted}}
  /boxes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, maxLength: 64}}]
    put:
      operationId: putBox
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, required: [size], properties: {size: {type: integer, minimum: 1, maximum: 9}}}}}
      responses: {"200": {description: stored}}
    delete:
      operationId: deleteBox
      responses: {"204": {description: deleted}, "404": {description: gone}}
components:
  schemas:
    Thing:
      type: object
      properties: {id: {type: string, readOnly: true}, size: {type: integer}, description: {type: string}}
`

// createdAPI serves createdSpec with stored replays; it remembers what
// exists, and every DELETE it was sent with its Authorization header.
type createdAPI struct {
	mu      sync.Mutex
	n       int
	objects map[string]map[string]any // path → resource
	stored  map[string][]byte         // key → response
	deletes []string                  // "DELETE path (Authorization)"
	refuse  map[string]int            // path → the status its DELETE gets
}

func newCreatedAPI() *createdAPI {
	return &createdAPI{objects: map[string]map[string]any{}, stored: map[string][]byte{}, refuse: map[string]int{}}
}

func (a *createdAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	reply := func(status int, v any) {
		b, _ := json.Marshal(v)
		if k := r.Header.Get("Idempotency-Key"); k != "" {
			a.stored[r.URL.Path+" "+k] = append([]byte{byte(status)}, b...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		if s, ok := a.stored[r.URL.Path+" "+k]; ok {
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(int(s[0]))
			w.Write(s[1:])
			return
		}
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	switch {
	case r.Method == http.MethodPost && (r.URL.Path == "/things" || r.URL.Path == "/widgets"):
		a.n++
		in["id"] = fmt.Sprintf("%s_%d", strings.TrimPrefix(r.URL.Path, "/")[:1], a.n)
		a.objects[r.URL.Path+"/"+in["id"].(string)] = in
		status := http.StatusCreated
		if r.URL.Path == "/widgets" {
			status = http.StatusOK
		}
		reply(status, in)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/capture"):
		thing, ok := a.objects[strings.TrimSuffix(r.URL.Path, "/capture")]
		if !ok {
			reply(http.StatusNotFound, map[string]any{"error": "no such thing"})
			return
		}
		reply(http.StatusOK, thing)
	case r.Method == http.MethodPut:
		in["id"] = strings.TrimPrefix(r.URL.Path, "/boxes/")
		a.objects[r.URL.Path] = in
		reply(http.StatusOK, in)
	case r.Method == http.MethodDelete:
		a.deletes = append(a.deletes, fmt.Sprintf("DELETE %s (%s)", r.URL.Path, r.Header.Get("Authorization")))
		if s := a.refuse[r.URL.Path]; s != 0 {
			reply(s, map[string]any{"error": map[string]any{"message": "it has children"}})
			return
		}
		if _, ok := a.objects[r.URL.Path]; !ok {
			reply(http.StatusNotFound, map[string]any{"error": "gone"})
			return
		}
		delete(a.objects, r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// paths is what exists, sorted.
func (a *createdAPI) paths() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for p := range a.objects {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// planCreated plans createdSpec.
func planCreated(t *testing.T) []openapi.Operation {
	t.Helper()
	return planDoc(t, "created.yaml", createdSpec)
}

// TestCreatedIsWhatTheRunMade (issue 27): each result records what its
// experiment surely created, once, with the DELETE that removes it: a
// 201's resource (a replay names it again), a PUT's on an id the
// experiment made up, the parent a chain made; not what an action on a
// resource answers with, and not a 200 that shows no canary of this run
// (it may be old), which is kept as not removable.
func TestCreatedIsWhatTheRunMade(t *testing.T) {
	api := newCreatedAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	ps, err := Select([]string{"replay", "natural-put"})
	if err != nil {
		t.Fatal(err)
	}
	results := Run(context.Background(), planCreated(t), ps, Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a"}}})
	got := map[string][]string{}
	for _, r := range results {
		for _, c := range r.Created {
			line := c.Operation + " → " + c.Path
			if c.Path == "" {
				line = c.Operation + " not removable: " + c.Why
			}
			if c.Header.Get("Authorization") != "Bearer a" {
				t.Errorf("%s: created with headers %v, want the user's", line, c.Header)
			}
			if strings.HasPrefix(c.Operation, "createThing") && !strings.HasPrefix(c.Canary, CanaryTag) {
				t.Errorf("%s: canary %q", line, c.Canary)
			}
			got[r.Operation.ID+" "+r.Probe] = append(got[r.Operation.ID+" "+r.Probe], line)
		}
	}
	for k, v := range got {
		for i, line := range v { // ids and fresh box ids differ per run
			v[i] = regexpID.ReplaceAllString(line, "/ID")
		}
		got[k] = v
	}
	want := map[string][]string{
		"createThing replay":  {"createThing (POST /things) → /things/ID"},
		"captureThing replay": {"createThing (POST /things) → /things/ID"}, // its parent; the capture made nothing
		"createWidget replay": {"createWidget (POST /widgets) not removable: answered 200, not 201 Created, without this run's canary: it may not be new"},
		"putBox natural-put":  {"putBox (PUT /boxes/{id}) → /boxes/ID"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("created (-want +got):\n%s", d)
	}
}

// regexpID matches the last segment of a created path: ids vary per run.
var regexpID = regexp.MustCompile(`/[^/ ]+$`)

// TestRemoveOnlyWhatWasCreated (issue 27): Remove sends one DELETE per
// removable resource, deeper paths first, each with the user's headers and
// the creating principal's in place of theirs, and says what became of
// each: removed, refused with the server's message, already gone, not
// removable, removed by the run already. Nothing else is sent.
func TestRemoveOnlyWhatWasCreated(t *testing.T) {
	api := newCreatedAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	for _, p := range []string{"/things/t_1", "/things/t_1/parts/p_1", "/things/t_2", "/boxes/b_1", "/things/t_3"} {
		api.objects[p] = map[string]any{}
	}
	api.objects["/things/keep"] = map[string]any{} // not the run's
	api.refuse["/things/t_3"] = http.StatusConflict
	var del *openapi.Operation
	for _, op := range planCreated(t) {
		if op.ID == "deleteThing" {
			del = &op
		}
	}
	mine := http.Header{"Authorization": {"Bearer a"}}
	created := []Created{
		{Operation: "createThing", Path: "/things/t_1", Delete: del, Header: mine, Seq: 1},
		{Operation: "createPart", Path: "/things/t_1/parts/p_1", Delete: del, Header: mine, Seq: 2},
		{Operation: "createThing", Path: "/things/t_2", Delete: del, Header: http.Header{"Authorization": {"Bearer b"}}, Seq: 3},
		{Operation: "createThing", Path: "/things/t_gone", Delete: del, Header: mine, Seq: 4},
		{Operation: "createThing", Path: "/things/t_3", Delete: del, Header: mine, Seq: 5},
		{Operation: "sendEmail", Why: "the document has no DELETE /emails/{id}", Seq: 6},
		{Operation: "putBox", Path: "/boxes/b_1", Removed: "DELETE /boxes/b_1 during the run (answered 204)", Seq: 7},
	}
	outs, sent := Remove(context.Background(), Config{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer a"}, "X-Tenant": {"t1"}}}, created)
	got := map[string]string{}
	for _, o := range outs {
		got[o.Created.Operation+" "+o.Created.Path] = fmt.Sprintf("removed=%v status=%d %s", o.Removed, o.Status, o.Reason)
	}
	want := map[string]string{
		"createThing /things/t_1":          "removed=true status=204 ",
		"createPart /things/t_1/parts/p_1": "removed=true status=204 ",
		"createThing /things/t_2":          "removed=true status=204 ",
		"createThing /things/t_gone":       "removed=false status=404 already gone (404)",
		"createThing /things/t_3":          `removed=false status=409 refused: status 409: "it has children"`,
		"sendEmail ":                       "removed=false status=0 the document has no DELETE /emails/{id}",
		"putBox /boxes/b_1":                "removed=true status=0 by the run: DELETE /boxes/b_1 during the run (answered 204)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}
	if sent != 5 || len(api.deletes) != 5 {
		t.Errorf("sent %d DELETEs, the server got %v; want 5", sent, api.deletes)
	}
	if api.deletes[0] != "DELETE /things/t_1/parts/p_1 (Bearer a)" {
		t.Errorf("first DELETE %q: a child goes before its parent", api.deletes[0])
	}
	for _, d := range api.deletes {
		if strings.Contains(d, "t_2") && !strings.HasSuffix(d, "(Bearer b)") {
			t.Errorf("%s: not sent as the principal that created it", d)
		}
	}
	if got := api.paths(); !cmp.Equal(got, []string{"/boxes/b_1", "/things/keep", "/things/t_3"}) {
		t.Errorf("left on the server: %v", got)
	}
}

// TestRemoveBounded: the removal stops when its context is done (the
// run's --max-duration), saying so for what it did not send, and keeps to
// --rate.
func TestRemoveBounded(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	del := &openapi.Operation{ID: "deleteThing", Method: http.MethodDelete, Path: "/things/{id}", Request: &openapi.Request{Method: http.MethodDelete, Path: "/things/x"}}
	var created []Created
	for i := range 6 {
		created = append(created, Created{Operation: "createThing", Path: fmt.Sprintf("/things/t_%d", i), Delete: del, Seq: int64(i)})
	}
	start := time.Now()
	outs, sent := Remove(context.Background(), Config{BaseURL: srv.URL, Rate: 20, Parallel: 4}, created)
	if el := time.Since(start); sent != 6 || el < 200*time.Millisecond {
		t.Errorf("6 DELETEs at --rate 20 took %v (want at least 250ms less one interval), sent %d", el, sent)
	}
	for _, o := range outs {
		if !o.Removed {
			t.Errorf("%s: %s", o.Created.Path, o.Reason)
		}
	}

	n.Store(0)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(fmt.Errorf("time budget (--max-duration 1s) spent"))
	outs, sent = Remove(ctx, Config{BaseURL: srv.URL}, created)
	if sent != 0 || n.Load() != 0 {
		t.Errorf("sent %d (server %d) after the budget was spent", sent, n.Load())
	}
	for _, o := range outs {
		if o.Removed || !strings.Contains(o.Reason, "not sent: time budget") {
			t.Errorf("%s: removed %v, %q", o.Created.Path, o.Removed, o.Reason)
		}
	}
}
