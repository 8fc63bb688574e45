package generic

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Documents as real ones are written (load.go, router.go, model.go), each
// served and asked what it must answer.

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func serveFile(t *testing.T, path string) (*Server, string) {
	t.Helper()
	srv, err := Open(path, Options{CheckResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		if p := srv.Problems(); len(p) > 0 {
			t.Errorf("problems: %q", p)
		}
	})
	return srv, hs.URL
}

// TestSwagger2WithDanglingRef: Square's Swagger 2.0 document points at
// definitions it does not have; such a $ref accepts anything.
func TestSwagger2WithDanglingRef(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.json": `{
  "swagger": "2.0", "info": {"title": "t", "version": "1"},
  "paths": {"/v2/things": {"post": {
    "consumes": ["application/json"], "produces": ["application/json"],
    "parameters": [{"in": "body", "name": "body", "required": true, "schema": {"$ref": "#/definitions/ThingRequest"}}],
    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}}}},
  "definitions": {
    "ThingRequest": {"type": "object", "required": ["idempotency_key"], "properties": {
      "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 45},
      "extra": {"$ref": "#/definitions/Missing"}}},
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}}`})
	srv, base := serveFile(t, filepath.Join(dir, "api.json"))
	body := `{"idempotency_key":"k-1","extra":{"anything":1}}`
	first := do(t, base, "POST", "/v2/things", "application/json", body)
	again := do(t, base, "POST", "/v2/things", "application/json", body)
	if first.status != 200 || again.header.Get(ReplayedHeader) != "true" || again.body != first.body {
		t.Errorf("first %d %s, again %d %s", first.status, first.body, again.status, again.body)
	}
	if r := do(t, base, "POST", "/v2/things", "application/json", `{"extra":{}}`); r.status != 400 || !srv.Invalid()[0].KeyOnly {
		t.Errorf("without the body key: %d, %v", r.status, srv.Invalid())
	}
}

// TestFragmentPathKeys: Box puts two PUTs on one path with #fragment keys;
// a request valid for either is valid.
func TestFragmentPathKeys(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.yaml": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /files/{file_id}:
    parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody: {content: {application/json: {schema: {type: object, additionalProperties: false, properties: {name: {type: string}}}}}}
      responses: {"200": {description: ok}}
  /files/{file_id}#add_shared_link:
    parameters: [{name: file_id, in: path, required: true, schema: {type: string}}]
    put:
      parameters: [{name: fields, in: query, required: true, schema: {type: string}}]
      requestBody: {content: {application/json: {schema: {type: object, additionalProperties: false, properties: {shared_link: {type: object}}}}}}
      responses: {"200": {description: ok}}
`})
	srv, base := serveFile(t, filepath.Join(dir, "api.yaml"))
	for _, tt := range []struct {
		path, body string
		want       int
	}{
		{"/files/1", `{"name":"a"}`, 200},
		{"/files/1?fields=shared_link", `{"shared_link":{}}`, 200},
		{"/files/1", `{"shared_link":{}}`, 400}, // the second needs ?fields
	} {
		if r := do(t, base, "PUT", tt.path, "application/json", tt.body); r.status != tt.want {
			t.Errorf("PUT %s %s: %d, want %d (%v)", tt.path, tt.body, r.status, tt.want, srv.Invalid())
		}
	}
}

// TestSplitDocument: DigitalOcean writes every operation as a $ref to a
// file, names properties with a $ref, and maps discriminators to files.
func TestSplitDocument(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"root.yaml": `
openapi: 3.0.0
info: {title: t, version: "1"}
tags:
  - name: Droplets
    description: {$ref: 'description.yml#/droplets'}
paths:
  /v2/droplets:
    post: {$ref: 'resources/droplets/create.yml'}
  /v2/droplets/{droplet_id}:
    get: {$ref: 'resources/droplets/get.yml'}
`,
		"description.yml": "droplets: Droplets are machines.\n",
		"resources/droplets/create.yml": `
operationId: create
requestBody:
  required: true
  content:
    application/json:
      schema:
        properties: {$ref: 'models/attributes.yml#/droplet_create'}
        required: [name]
responses:
  '202':
    content:
      application/json:
        schema:
          properties:
            droplet: {$ref: 'models/droplet.yml'}
`,
		"resources/droplets/get.yml": `
operationId: get
parameters:
  - name: droplet_id
    in: path
    required: true
    schema: {type: integer, minimum: 1}
responses:
  '200':
    content:
      application/json:
        schema:
          properties:
            droplet: {$ref: 'models/droplet.yml'}
  '404':
    content:
      application/json:
        schema: {$ref: '../../shared/error.yml'}
`,
		"resources/droplets/models/attributes.yml": "droplet_create:\n  name: {type: string}\n  size: {type: string}\n",
		"resources/droplets/models/droplet.yml": `
type: object
required: [id, name]
properties:
  id: {type: integer}
  name: {type: string}
`,
		"shared/error.yml": "type: object\nrequired: [message]\nproperties: {message: {type: string}}\n",
	})
	_, base := serveFile(t, filepath.Join(dir, "root.yaml"))
	created := do(t, base, "POST", "/v2/droplets", "application/json", `{"name":"web-1"}`)
	if created.status != 202 {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	d, _ := created.json(t)["droplet"].(map[string]any)
	id, ok := d["id"].(float64)
	if !ok || d["name"] != "web-1" {
		t.Fatalf("created %s: the id is not an integer in the envelope, or the name is not echoed", created.body)
	}
	read := do(t, base, "GET", "/v2/droplets/"+strconv.FormatFloat(id, 'f', -1, 64), "", "")
	if read.status != 200 || read.json(t)["droplet"].(map[string]any)["id"] != id {
		t.Errorf("read back: %d %s", read.status, read.body)
	}
	if r := do(t, base, "GET", "/v2/droplets/999999999", "", ""); r.status != 404 {
		t.Errorf("a droplet nobody created: %d", r.status)
	}
}

// TestTwilioShapes: suffixed path segments ({Sid}.json), PascalCase form
// fields echoed as snake_case, ids made for the parameter's pattern, the
// parent's id in the child's account_sid, and a parent that must exist.
func TestTwilioShapes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.yaml": `
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /2010-04-01/Accounts.json:
    post:
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {FriendlyName: {type: string}}}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/account'}}}}}
  /2010-04-01/Accounts/{Sid}.json:
    get:
      parameters: [{name: Sid, in: path, required: true, schema: {type: string, pattern: '^AC[0-9a-fA-F]{32}$'}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/account'}}}}}
  /2010-04-01/Accounts/{AccountSid}/Calls.json:
    parameters: [{name: AccountSid, in: path, required: true, schema: {type: string, pattern: '^AC[0-9a-fA-F]{32}$'}}]
    post:
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, required: [To], properties: {To: {type: string}}}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/call'}}}}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {calls: {type: array, items: {$ref: '#/components/schemas/call'}}, page: {type: integer}}}}}}}
  /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json:
    parameters:
      - {name: AccountSid, in: path, required: true, schema: {type: string, pattern: '^AC[0-9a-fA-F]{32}$'}}
      - {name: Sid, in: path, required: true, schema: {type: string, pattern: '^CA[0-9a-fA-F]{32}$'}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/call'}}}}}
components:
  schemas:
    account: {type: object, properties: {sid: {type: string, pattern: '^AC[0-9a-fA-F]{32}$'}, friendly_name: {type: string}}}
    call: {type: object, properties: {sid: {type: string, pattern: '^CA[0-9a-fA-F]{32}$'}, account_sid: {type: string}, to: {type: string}}}
`})
	_, base := serveFile(t, filepath.Join(dir, "api.yaml"))
	missing := "AC" + "0123456789abcdef0123456789abcdef"
	if r := do(t, base, "POST", "/2010-04-01/Accounts/"+missing+"/Calls.json", "application/x-www-form-urlencoded", "To=%2B1555"); r.status != 404 {
		t.Errorf("a call under an account never created: %d", r.status)
	}
	acct := do(t, base, "POST", "/2010-04-01/Accounts.json", "application/x-www-form-urlencoded", "FriendlyName=ada").json(t)
	sid, _ := acct["sid"].(string)
	if !regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`).MatchString(sid) || acct["friendly_name"] != "ada" {
		t.Fatalf("account %v", acct)
	}
	call := do(t, base, "POST", "/2010-04-01/Accounts/"+sid+"/Calls.json", "application/x-www-form-urlencoded", "To=%2B1555")
	c := call.json(t)
	if call.status != 201 || c["account_sid"] != sid || c["to"] != "+1555" || !regexp.MustCompile(`^CA[0-9a-fA-F]{32}$`).MatchString(c["sid"].(string)) {
		t.Fatalf("call %d %s", call.status, call.body)
	}
	if r := do(t, base, "GET", "/2010-04-01/Accounts/"+sid+"/Calls/"+c["sid"].(string)+".json", "", ""); r.body != call.body {
		t.Errorf("read back %d %s, created %s", r.status, r.body, call.body)
	}
	list := do(t, base, "GET", "/2010-04-01/Accounts/"+sid+"/Calls.json", "", "").json(t)
	if calls, _ := list["calls"].([]any); len(calls) != 1 {
		t.Errorf("list %v", list)
	}
}

func TestDecodeForm(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api.yaml": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/prices:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [unit_amount]
              properties:
                unit_amount: {type: integer}
                active: {type: boolean}
                expand: {type: array, items: {type: string}}
                metadata: {anyOf: [{type: object, additionalProperties: {type: string}}, {type: string, enum: [""]}]}
                tiers:
                  type: array
                  items: {type: object, properties: {up_to: {type: integer}, flat: {type: integer}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {unit_amount: {type: integer}, tiers: {type: array, items: {type: object, properties: {up_to: {type: integer}}}}}}}}
`})
	srv, base := serveFile(t, filepath.Join(dir, "api.yaml"))
	for _, tt := range []struct {
		form string
		want int
	}{
		{"unit_amount=100&active=true&expand[]=a&expand[]=b&metadata[order]=42&tiers[0][up_to]=10&tiers[1][up_to]=20", 200},
		{"unit_amount=100&expand[0]=a&metadata=", 200},
		{"unit_amount=100&expand=a", 200},
		{"unit_amount=abc", 400},
		{"active=true", 400},
	} {
		r := do(t, base, "POST", "/v1/prices", "application/x-www-form-urlencoded", tt.form)
		if r.status != tt.want {
			t.Errorf("%s: %d %s, want %d (%v)", tt.form, r.status, r.body, tt.want, srv.Invalid())
		}
	}
}
