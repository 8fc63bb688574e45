package probes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/openapi"
)

// emptyDeletesSpec has two keyed DELETEs that both answer 204 with no
// body: a restriction's (Box's DELETE /shield_information_barrier_segment_restrictions/{id})
// and a file's refresh, an action that answers 204 every time. The generic
// server scopes keys per operation, as a correct server may: K reused on
// the other operation is processed there on its own, and its 204 is R's
// 204 byte for byte.
const emptyDeletesSpec = `openapi: 3.0.3
info: {title: empty deletes, version: "1"}
components:
  parameters:
    Key: {name: Idempotency-Key, in: header, required: true, schema: {type: string, maxLength: 64}}
  schemas:
    Thing: {type: object, properties: {id: {type: string}, name: {type: string}}}
paths:
  /restrictions:
    post:
      operationId: CreateRestriction
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
      responses: {"201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}}
  /restrictions/{restriction_id}:
    parameters: [{name: restriction_id, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: one, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}}
    delete:
      operationId: DeleteRestriction
      parameters: [{$ref: "#/components/parameters/Key"}]
      responses: {"204": {description: deleted}}
  /files:
    post:
      operationId: CreateFile
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
      responses: {"201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}}
  /files/{file_id}:
    parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: one, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}}
  /files/{file_id}/refresh:
    parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
    post:
      operationId: RefreshFile
      parameters: [{$ref: "#/components/parameters/Key"}]
      responses: {"204": {description: refreshed}}
`

// TestMismatchTargetIdenticalEmptyAnswersProveNothing: R (DELETE of a
// restriction) and the other operation (a file's refresh, POST) both
// answer 204 with no body, with a fresh key as with K. That the reuse's
// answer is R's proves nothing, since its control's is too: no false
// replay is concluded, the other resource's 422 is what the verdict rests
// on, and the report says what could not be told apart. Before, this was
// "answered with R's stored result (status 204, identical body): the
// fingerprint ignores the target" (major) on a correct server.
func TestMismatchTargetIdenticalEmptyAnswersProveNothing(t *testing.T) {
	srv, err := generic.New([]byte(emptyDeletesSpec), generic.Options{CheckResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ops := planSpec(t, emptyDeletesSpec)
	env := Env{BaseURL: hs.URL, Timeout: 5 * time.Second, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}}
	targets := DefaultTargets(ops)
	env.Planned, env.targets = targets, targets
	var r *Result
	for _, res := range RunTargets(context.Background(), onlyTarget(targets, "DeleteRestriction"), selectProbes(t, "mismatch-target"), env) {
		r = &res
	}
	if r == nil {
		t.Fatal("no result")
	}
	if r.Verdict != Pass || !strings.Contains(r.Reason, "rejected (422)") {
		t.Errorf("%s; want a pass resting on the other restriction's 422", describe(*r))
	}
	if n := notes(*r); !strings.Contains(n, "not told apart: operation RefreshFile answered 204 as R did, and so did its control there with a fresh key") {
		t.Errorf("diffs %q; want the note that the other operation's 204 could not be told apart", n)
	}
	if iv := srv.Invalid(); len(iv) > 0 {
		t.Errorf("the server received %d invalid requests, first: %+v", len(iv), iv[0])
	}
}

// TestMismatchTargetSkipsWhenNothingTellsAReplay: R and the only other
// operation both answer 204 with no body, whoever sends what; nothing is
// observed. No answer can show a false replay, so the probe skips with the
// reason instead of passing on nothing (or failing on nothing, as before).
func TestMismatchTargetSkipsWhenNothingTellsAReplay(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hs.Close()
	a, b := lagOp("pingA", "a", 1, false), lagOp("pingB", "b", 1, false)
	a.CreatedPath, b.CreatedPath = "", ""
	r := runLag(t, hs.URL, a, selectProbes(t, "mismatch-target"), b)["mismatch-target"]
	if r.Verdict != Skip || !strings.Contains(r.Reason, "no answer tells a replay from a request processed on its own: operation pingB answered 204 as R did") {
		t.Errorf("%s; want a skip saying nothing told a replay apart", describe(r))
	}
}

// TestTellsApart pins what distinguishes a control's answer from R's.
func TestTellsApart(t *testing.T) {
	j := func(status int, body string) *reply {
		h := http.Header{}
		if body != "" {
			h.Set("Content-Type", "application/json")
		}
		return &reply{Status: status, Header: h, Body: []byte(body)}
	}
	tests := []struct {
		name           string
		first, control *reply
		want           bool
	}{
		{"two empty 204s", j(204, ""), j(204, ""), false},
		{"the same body", j(200, `{"ok":true}`), j(200, `{"ok":true}`), false},
		{"only timestamps differ", j(200, `{"ok":true,"created":1700000001,"updated_at":"x","expiresAt":"y"}`), j(200, `{"ok":true,"created":1700000002,"updated_at":"z","expiresAt":"w"}`), false},
		{"an RFC 3339 value differs", j(200, `{"ok":true,"when":"2025-01-01T00:00:01Z"}`), j(200, `{"ok":true,"when":"2025-01-01T00:00:02Z"}`), false},
		{"another id", j(200, `{"id":"a"}`), j(200, `{"id":"b"}`), true},
		{"another status", j(200, ""), j(204, ""), true},
		{"a field named like a format", j(200, `{"format":"a"}`), j(200, `{"format":"b"}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tellsApart(tt.first, tt.control, nil); got != tt.want {
				t.Errorf("tellsApart = %v, want %v", got, tt.want)
			}
		})
	}
}

// planSpec plans a document as check does; every operation must plan.
func planSpec(t *testing.T, spec string) []openapi.Operation {
	t.Helper()
	doc, err := openapi.LoadData(context.Background(), []byte(spec), "spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(context.Background(), doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if o.Skip != "" {
			t.Fatalf("%s not planned: %s", o.Name(), o.Skip)
		}
	}
	return ops
}

// onlyTarget is the target of the operation id.
func onlyTarget(targets []Target, id string) []Target {
	for _, tg := range targets {
		if tg.Op.ID == id {
			return []Target{tg}
		}
	}
	return nil
}
