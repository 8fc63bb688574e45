package probes

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/openapi"
)

// requiredKeySpec is Square's shape: every write takes idempotency_key in
// its body and requires it, PUT and DELETE included (the DELETE in a
// header, the other place a document puts a required key).
const requiredKeySpec = `openapi: 3.0.3
info: {title: payments with required keys, version: "1"}
paths:
  /v2/payments:
    post:
      operationId: CreatePayment
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [idempotency_key, amount]
              properties:
                idempotency_key: {type: string, minLength: 1, maxLength: 45}
                amount: {type: integer, minimum: 1, example: 100}
      responses:
        "200": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}
    get:
      operationId: ListPayments
      responses:
        "200":
          description: the payments
          content:
            application/json:
              schema:
                type: object
                properties:
                  payments: {type: array, items: {$ref: "#/components/schemas/Payment"}}
  /v2/payments/{payment_id}:
    parameters:
      - {name: payment_id, in: path, required: true, schema: {type: string}}
    get:
      operationId: GetPayment
      responses:
        "200": {description: the payment, content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}
    put:
      operationId: UpdatePayment
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [idempotency_key]
              properties:
                idempotency_key: {type: string, minLength: 1, maxLength: 45}
                amount: {type: integer, minimum: 1, example: 200}
      responses:
        "200": {description: updated, content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}
    delete:
      operationId: DeletePayment
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string, maxLength: 64}}
      responses:
        "204": {description: deleted}
components:
  schemas:
    Payment:
      type: object
      properties:
        id: {type: string}
        amount: {type: integer}
`

// TestNaturalProbesSendTheRequiredKey pins the natural probes' keys on a
// document that requires one on PUT and DELETE: each request carries a
// fresh key of its own (the generic server refuses a request without it
// with 400, as Square does), both are processed, the verdicts pass and say
// why the requests were keyed, and the server saw no invalid request.
// Before, both probes sent their PUT and DELETE without a key and ended
// in "the first PUT was not processed (400 …): fix the request".
func TestNaturalProbesSendTheRequiredKey(t *testing.T) {
	srv, err := generic.New([]byte(requiredKeySpec), generic.Options{CheckResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	doc, err := openapi.LoadData(context.Background(), []byte(requiredKeySpec), "required-key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(context.Background(), doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if (o.ID == "UpdatePayment" || o.ID == "DeletePayment") && !o.Key.Required {
			t.Fatalf("%s: key %s, want a required key (the premise of the test)", o.ID, o.Key)
		}
	}
	env := Env{BaseURL: hs.URL, Timeout: 5 * time.Second}
	targets := DefaultTargets(ops)
	env.Planned = targets
	got := map[string]Result{}
	for _, r := range RunTargets(context.Background(), targets, []Probe{naturalPutProbe{}, naturalDeleteProbe{}}, env) {
		got[r.Operation.ID+" "+r.Probe] = r
	}
	for _, name := range []string{"UpdatePayment natural-put", "DeletePayment natural-delete"} {
		r, ok := got[name]
		if !ok {
			t.Fatalf("%s: no result (have %v)", name, keysOf(got))
		}
		if r.Verdict != Pass || !strings.Contains(r.Reason, "a fresh key of its own, as the document requires one") {
			t.Errorf("%s: %s (%s), want a pass that says each request had its own key", name, r.Verdict, r.Reason)
		}
		keyed := 0
		for _, ex := range r.Evidence {
			if strings.HasSuffix(ex.Label, ", its own fresh key") {
				keyed++
			}
		}
		if keyed != 2 {
			t.Errorf("%s: %d exchanges labelled with their own key, want 2: %v", name, keyed, labelsOf(r))
		}
	}
	if iv := srv.Invalid(); len(iv) > 0 {
		t.Errorf("the server received %d invalid requests, first: %+v", len(iv), iv[0])
	}
}

func keysOf(m map[string]Result) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func labelsOf(r Result) []string {
	var out []string
	for _, ex := range r.Evidence {
		out = append(out, ex.Label)
	}
	return out
}
