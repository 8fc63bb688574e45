package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// observedSpec has a Box-style list that requires a query parameter, and a
// Stripe-style update POST beside a GET of one object.
const observedSpec = `openapi: 3.0.3
info: {title: observed, version: "1"}
paths:
  /collaborations:
    get:
      parameters:
        - {name: status, in: query, required: true, schema: {type: string, enum: [pending]}}
        - {name: x-api-version, in: header, required: true, schema: {type: string, enum: ["2025-01-01"]}}
      responses:
        "200":
          description: a page
          content: {application/json: {schema: {type: object, properties: {entries: {type: array, items: {type: object}}, limit: {type: integer}}}}}
    post:
      operationId: createCollaboration
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      responses: {"201": {description: created}}
  /customers/{customer}:
    parameters: [{name: customer, in: path, required: true, schema: {type: string, example: cus_1}}]
    get:
      responses:
        "200":
          description: one customer
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
    post:
      operationId: updateCustomer
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

// TestPlanShowsObservers: plan says which observer each operation got and
// why, or why none, and the required parameters its reads carry; --json
// holds the same as observation and the planned reads (issue 23).
func TestPlanShowsObservers(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(spec, []byte(observedSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "plan", "--spec", spec)
	for _, want := range []string{
		"createCollaboration: observer list GET /collaborations at /entries: GET /collaborations: its entries is an array of objects (beside limit)\n",
		"createCollaboration: reads GET /collaborations?status=pending [X-Api-Version: 2025-01-01]\n",
		"updateCustomer: no observer (GET /customers/{customer}: the 2xx response is one object (no array of items at its top level); a read-back of the state, not a list)\n",
		"updateCustomer: state read back with GET /customers/cus_1\n",
	} {
		if code != ExitOK || !strings.Contains(stdout, want) {
			t.Errorf("exit %d, plan lacks %q:\n%s%s", code, want, stdout, stderr)
		}
	}
	_, stdout, _ = runCLI(t, "plan", "--spec", spec, "--json")
	var plan struct {
		Operations []struct {
			ID          string `json:"id"`
			Observation struct {
				By, Why  string
				ReadBack string `json:"read_back"`
			} `json:"observation"`
			Collection *struct {
				Pointer string
				Read    struct {
					Query  map[string][]string
					Header map[string][]string
				}
			} `json:"collection"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Operations {
		switch o.ID {
		case "createCollaboration":
			if c := o.Collection; c == nil || c.Pointer != "/entries" || c.Read.Query["status"][0] != "pending" || c.Read.Header["X-Api-Version"][0] != "2025-01-01" || o.Observation.By == "" {
				t.Errorf("createCollaboration: %+v", o)
			}
		case "updateCustomer":
			if o.Collection != nil || o.Observation.By != "" || o.Observation.ReadBack != "/customers/cus_1" {
				t.Errorf("updateCustomer: %+v", o)
			}
		}
	}
}
