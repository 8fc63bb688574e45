package generic

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestStripeExpandOnAnArray: Stripe declares expand, an array, with style
// deepObject on every operation. A request with a query string and no
// expand is valid; the document's mistake is a document issue.
func TestStripeExpandOnAnArray(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.yaml": `
openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /v1/subscription_items:
    get:
      parameters:
        - {name: subscription, in: query, required: true, schema: {type: string, maxLength: 10}}
        - {name: expand, in: query, style: deepObject, explode: true, schema: {type: array, items: {type: string, maxLength: 5}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {type: object}}}}}}}}
`})
	srv, base := serveFile(t, filepath.Join(dir, "api.yaml"))
	if r := do(t, base, "GET", "/v1/subscription_items?subscription=sub_1", "", ""); r.status != 200 {
		t.Errorf("without expand: %d %s", r.status, r.body)
	}
	if r := do(t, base, "GET", "/v1/subscription_items?subscription=sub_1&expand=data", "", ""); r.status != 200 {
		t.Errorf("with a valid expand: %d %s", r.status, r.body)
	}
	// what kin-openapi still checks: the other parameters, and expand's values
	for _, q := range []string{"subscription=sub_123456789", "subscription=sub_1&expand=toolong"} {
		if r := do(t, base, "GET", "/v1/subscription_items?"+q, "", ""); r.status != 400 {
			t.Errorf("%s: %d, want 400", q, r.status)
		}
	}
	issues := srv.DocumentIssues()
	if len(issues) != 1 || !strings.Contains(issues[0], "query parameter expand of 1 operations") {
		t.Errorf("document issues: %q", issues)
	}
}

// TestOpenAPI31ChecksEverything: a 3.1 document validated with kin-openapi's
// OpenAPI validator (validview.go) still refuses what the document
// forbids, and takes nulls where the type allows them and not where a
// schema says nullable (no 3.1 keyword); one that uses a JSON Schema
// 2020-12 keyword stays on the 2020-12 validator.
func TestOpenAPI31ChecksEverything(t *testing.T) {
	const doc = `
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things:
    post:
      parameters: [{name: Idempotency-Key, in: header, required: true, schema: {type: string, maxLength: 8}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {type: string, pattern: '^[a-z]+$'}
                email: {type: string, format: email}
                note: {type: [string, "null"]}
                reason: {type: string, nullable: true}
                size: {type: integer, exclusiveMinimum: 0}
                kind: {$ref: '#/components/schemas/kind'}
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}}
components:
  schemas:
    kind: {type: string, enum: [a, b]}
`
	dir := writeFiles(t, map[string]string{"api.yaml": doc, "const.yaml": strings.Replace(doc, "enum: [a, b]", "const: a", 1)})
	for _, tt := range []struct {
		file string
		fast bool
	}{{"api.yaml", true}, {"const.yaml", false}} {
		srv, base := serveFile(t, filepath.Join(dir, tt.file))
		if fast := srv.view != srv.doc; fast != tt.fast {
			t.Errorf("%s: validated with the OpenAPI validator: %v, want %v", tt.file, fast, tt.fast)
		}
		if is := srv.DocumentIssues(); len(is) != 1 || !strings.Contains(is[0], "1 schemas of this OpenAPI 3.1.0 document say nullable") {
			t.Errorf("%s: document issues %q", tt.file, is)
		}
		valid := `{"name":"ada","email":"a@b.c","note":null,"size":1,"kind":"a"}`
		if r := do(t, base, "POST", "/things", "application/json", valid, "Idempotency-Key: k1"); r.status != 201 {
			t.Errorf("%s: valid: %d %s", tt.file, r.status, r.body)
		}
		for _, body := range []string{
			`{"email":"a@b.c"}`,               // required
			`{"name":"Ada"}`,                  // pattern
			`{"name":"ada","email":"nobody"}`, // format
			`{"name":"ada","size":0}`,         // exclusiveMinimum
			`{"name":"ada","kind":"c"}`,       // enum through a $ref
			`{"name":"ada","other":1}`,        // additionalProperties
			`{"name":"ada","note":1}`,         // type
			`{"name":"ada","reason":null}`,    // nullable is no 3.1 keyword
		} {
			if r := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: k2"); r.status != 400 {
				t.Errorf("%s: %s: %d, want 400", tt.file, body, r.status)
			}
		}
		if r := do(t, base, "POST", "/things", "application/json", valid, "Idempotency-Key: toolongkey"); r.status != 400 {
			t.Errorf("%s: a header longer than its maxLength: %d, want 400", tt.file, r.status)
		}
	}
}
