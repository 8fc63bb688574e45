package openapi

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// removals maps operation ids to their planned Removal, rendered.
func removals(ops []Operation) map[string]string {
	out := map[string]string{}
	for _, op := range ops {
		if op.Removal != nil {
			out[op.ID] = op.Removal.String()
		}
	}
	return out
}

// TestRemovalsOfExamplePayments: each create finds the DELETE that removes
// what it creates, the way a chain finds its parent; a create without one
// says so, and what creates nothing has no removal.
func TestRemovalsOfExamplePayments(t *testing.T) {
	ops := planDoc(t, examplePaymentsSpec(t))
	want := map[string]string{
		"createPayment":  "DELETE /v1/payments/{id}, {id} ← /id",
		"upsertCustomer": "DELETE /v1/customers/{id}",
		"createRefund":   "not removable: the document has no DELETE /v1/payments/{id}/refunds/{…}",
		"sendEmail":      "not removable: the document has no DELETE /v1/emails/{id}",
	}
	if d := cmp.Diff(want, removals(ops)); d != "" {
		t.Errorf("removals (-want +got):\n%s", d)
	}
	for _, op := range ops {
		if r := op.Removal; r != nil && r.Delete != "" && (r.Op == nil || r.Op.ID != r.Delete || r.Op.Method != http.MethodDelete) {
			t.Errorf("%s: removal names %s but plans %+v", op.ID, r.Delete, r.Op)
		}
	}
}

// TestRemovalShapes: a collection with a suffix (Twilio's "/Calls.json"),
// an id its response names otherwise (sid), a 200 create whose item path
// exists, an action on a resource (creates nothing), and a POST whose
// only hint is its 201.
func TestRemovalShapes(t *testing.T) {
	doc := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /Calls.json:
    post:
      operationId: CreateCall
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {To: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object, properties: {sid: {type: string, readOnly: true}, to: {type: string}}}
  /Calls/{Sid}.json:
    delete:
      operationId: DeleteCall
      parameters: [{name: Sid, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
  /customers:
    post:
      operationId: createCustomer
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
  /customers/{customer}:
    delete:
      operationId: deleteCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: deleted}}
  /customers/{customer}/capture:
    post:
      operationId: captureCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /notes:
    post:
      operationId: createNote
      responses: {"201": {description: created}}
`)
	ops := planDoc(t, doc)
	want := map[string]string{
		"CreateCall":     "DELETE /Calls/{Sid}.json, {Sid} ← /sid",
		"createCustomer": "DELETE /customers/{customer}, {customer} ← /id",
		"createNote":     "not removable: the document has no DELETE /notes/{id}",
	}
	if d := cmp.Diff(want, removals(ops)); d != "" {
		t.Errorf("removals (-want +got):\n%s", d)
	}

	byID := map[string]*Removal{}
	for _, op := range ops {
		byID[op.ID] = op.Removal
	}
	tests := []struct {
		name, op, reqPath, body string
		header                  http.Header
		wantPath, wantID        string
		wantWhy                 bool
	}{
		{"suffix kept, id from the field the schema names", "CreateCall", "/Calls.json", `{"sid":"CA1","to":"x"}`, nil, "/Calls/CA1.json", "CA1", false},
		{"an id that needs escaping", "createCustomer", "/customers", `{"id":"a/b c"}`, nil, "/customers/a%2Fb%20c", "a/b c", false},
		{"no id in the response", "createCustomer", "/customers", `{}`, nil, "", "", true},
		{"no DELETE: the id is still read", "createNote", "/notes", `{"id":"n1"}`, nil, "", "n1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, id, why := byID[tt.op].Target(tt.reqPath, tt.header, []byte(tt.body))
			if path != tt.wantPath || id != tt.wantID || (why != "") != tt.wantWhy {
				t.Errorf("Target = (%q, %q, %q), want (%q, %q, why: %v)", path, id, why, tt.wantPath, tt.wantID, tt.wantWhy)
			}
		})
	}
}

// TestRemovalsPlanDeletesNotSelected: a removal plans its DELETE even when
// --operations leaves it out, and planning it never truncates the chain of
// a DELETE that is selected (the DELETE's {id} chains to the very POST it
// removes for).
func TestRemovalsPlanDeletesNotSelected(t *testing.T) {
	doc, err := LoadData(context.Background(), examplePaymentsSpec(t), "payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	only, err := Plan(context.Background(), doc, PlanOptions{Operations: []string{"createPayment"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := only[0].Removal; r == nil || r.Op == nil || r.Op.Request == nil || r.Op.Request.Method != http.MethodDelete {
		t.Fatalf("createPayment alone: removal %+v has no planned DELETE", r)
	}
	all := planDoc(t, examplePaymentsSpec(t))
	for _, op := range all {
		if op.ID == "deletePayment" && (len(op.Chain) != 1 || op.Chain[0].From != "createPayment" || len(op.Notes) > 0) {
			t.Errorf("deletePayment's chain %v, notes %v: want {id} ← createPayment and no note", op.Chain, op.Notes)
		}
	}
}

// examplePaymentsSpec is the payments example's document.
func examplePaymentsSpec(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "payments", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
