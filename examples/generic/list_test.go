package generic

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestListWithinItsSchema: PayPal's vault list holds at most 64 tokens and
// counts 1 to 50 of them. A page is cut at 64 (has_more says so), and a
// count its schema does not allow (0, 70) is left out, since it is
// optional: the responses are valid (serveFile fails on a problem).
func TestListWithinItsSchema(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.yaml": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v3/vault/payment-tokens:
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {customer_id: {type: string}}}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/token'}}}}}
    get:
      parameters: [{name: page_size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  total_items: {type: integer, minimum: 1, maximum: 50}
                  has_more: {type: boolean}
                  payment_tokens: {type: array, maxItems: 64, items: {$ref: '#/components/schemas/token'}}
  /v3/vault/payment-tokens/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/token'}}}}}
components:
  schemas:
    token: {type: object, properties: {id: {type: string}, customer_id: {type: string}}}
`})
	_, base := serveFile(t, filepath.Join(dir, "api.yaml"))
	list := func(query string) map[string]any {
		t.Helper()
		r := do(t, base, "GET", "/v3/vault/payment-tokens"+query, "", "")
		if r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	if l := list(""); l["total_items"] != nil || l["has_more"] != false {
		t.Errorf("empty vault: %v", l)
	}
	for i := range 70 {
		if r := do(t, base, "POST", "/v3/vault/payment-tokens", "application/json", fmt.Sprintf(`{"customer_id":"c%d"}`, i)); r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
	}
	l := list("")
	if tokens, _ := l["payment_tokens"].([]any); len(tokens) != 64 || l["has_more"] != true || l["total_items"] != nil {
		t.Errorf("70 tokens: %d listed, has_more %v, total_items %v", len(tokens), l["has_more"], l["total_items"])
	}
	l = list("?page_size=10")
	if tokens, _ := l["payment_tokens"].([]any); len(tokens) != 10 || l["has_more"] != true {
		t.Errorf("a page of 10: %d listed, has_more %v", len(tokens), l["has_more"])
	}
}

// TestListsShowEveryChange: renderings are remembered per version of a
// resource (cache.go); a list read after an update, a delete and a
// re-create shows each.
func TestListsShowEveryChange(t *testing.T) {
	_, hs := testServer(t, things, Options{})
	base := hs.URL
	names := func() []any {
		t.Helper()
		var out []any
		data, _ := do(t, base, "GET", "/things", "", "").json(t)["data"].([]any)
		for _, d := range data {
			out = append(out, d.(map[string]any)["name"])
		}
		return out
	}
	id := createThing(t, base, `{"name":"ada"}`).json(t)["id"].(string)
	if got := fmt.Sprint(names()); got != "[ada]" {
		t.Fatalf("after create: %s", got)
	}
	do(t, base, "PATCH", "/things/"+id, "application/json", `{"name":"grace"}`, "Idempotency-Key: "+freshKey())
	if got := fmt.Sprint(names(), names()); got != "[grace] [grace]" {
		t.Errorf("after patch: %s", got)
	}
	if r := do(t, base, "GET", "/things/"+id, "", ""); r.json(t)["name"] != "grace" {
		t.Errorf("read after patch: %s", r.body)
	}
	do(t, base, "DELETE", "/things/"+id, "", "")
	if got := fmt.Sprint(names()); got != "[]" {
		t.Errorf("after delete: %s", got)
	}
}
