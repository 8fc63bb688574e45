package openapi

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIDWords(t *testing.T) {
	for in, want := range map[string]string{
		"paymentPspReference": "payment psp reference",
		"pspReference":        "psp reference",
		"Sid":                 "sid",
		"AccountSid":          "account sid",
		"customer_id":         "customer id",
		"cf_customer_id":      "cf customer id",
		"IPAddress":           "ip address",
		"userID":              "user id",
		"x-api-version":       "x api version",
		"v2Thing":             "v2 thing",
		"":                    "",
	} {
		if got := strings.Join(idWords(in), " "); got != want {
			t.Errorf("idWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResourceNoun(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/customers":       "customer",
		"/v1/payment_intents": "payment intent",
		"/2010-04-01/Accounts/{AccountSid}/Addresses.json": "address",
		"/v2/gen-ai/agents/{agent_uuid}/functions":         "function",
		"/policies": "policy",
		"/statuses": "status",
		"/{id}":     "",
	} {
		if got := strings.Join(resourceNoun(in), " "); got != want {
			t.Errorf("resourceNoun(%q) = %q, want %q", in, got, want)
		}
	}
}

// producerDoc is a document with one create, POST path, answering schema
// (YAML flow), and the nested operation whose {param} it produces.
func producerDoc(path, param, schema string) []byte {
	return fmt.Appendf(nil, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  %[1]s:
    post:
      operationId: create
      parameters: [{name: parent_id, in: path, required: true, schema: {type: string}}]
      responses:
        "201": {description: created, content: {application/json: {schema: %[3]s}}}
  %[1]s/{%[2]s}/things:
    post:
      operationId: nested
      parameters:
        - {name: parent_id, in: path, required: true, schema: {type: string}}
        - {name: %[2]s, in: path, required: true, schema: {type: string}}
      responses: {"201": {description: created}}
`, path, param, schema)
}

// TestIDPointerChoice: the field of a create's response schema that names
// the parameter, found by its words and its schema (issue 23).
func TestIDPointerChoice(t *testing.T) {
	tests := []struct {
		name, path, param, schema string
		want                      string // the chain, as plan prints it
	}{
		{"the exact name wins", "/payments", "pspReference",
			`{properties: {id: {type: string}, pspReference: {type: string}}}`, "{pspReference} ← create /pspReference"},
		{"the parameter's trailing words (Adyen)", "/payments", "paymentPspReference",
			`{properties: {merchantReference: {type: string}, pspReference: {type: string}, resultCode: {type: string}}}`, "{paymentPspReference} ← create /pspReference"},
		{"case and separators do not matter (Twilio)", "/p/{parent_id}/Addresses.json", "Sid",
			`{properties: {account_sid: {type: string}, sid: {type: string}}}`, "{Sid} ← create /sid"},
		{"a parent's id never names the child (Twilio's account_sid)", "/Accounts/{account_sid}/Addresses.json", "AddressSid",
			`{properties: {account_sid: {type: string}, sid: {type: string}}}`, "{AddressSid} ← create /sid"},
		{"the customer's id field, whatever its name (Cashfree)", "/customers", "customer_id",
			`{properties: {customer_uid: {type: string}, customer_name: {type: string}, customer_email: {type: string}}}`, "{customer_id} ← create /customer_uid"},
		{"a prefixed name", "/customers", "customer_id",
			`{properties: {cf_customer_id: {type: string}, customer_name: {type: string}}}`, "{customer_id} ← create /cf_customer_id"},
		{"the resource's own id over a sub-object's field (Stripe)", "/v1/accounts", "account",
			`{properties: {id: {type: string}, individual: {type: object, properties: {account: {type: string}, id: {type: string}}}}}`, "{account} ← create /id"},
		{"an envelope named after the resource (DigitalOcean)", "/v2/droplets", "droplet_id",
			`{oneOf: [{properties: {droplet: {type: object, properties: {id: {type: integer}, name: {type: string}}}, links: {type: object}}}, {properties: {droplets: {type: array, items: {type: object}}}}]}`, "{droplet_id} ← create /droplet/id"},
		{"an envelope and a field make the name (DigitalOcean's domain name)", "/v2/domains", "domain_name",
			`{properties: {domain: {type: object, properties: {name: {type: string}, ttl: {type: integer}}}}}`, "{domain_name} ← create /domain/name"},
		{"an envelope (Square)", "/v2/customers", "customer_id",
			`{properties: {errors: {type: array, items: {type: object}}, customer: {type: object, properties: {id: {type: string, readOnly: true}}}}}`, "{customer_id} ← create /customer/id"},
		{"a data envelope", "/things", "thing_id",
			`{properties: {data: {type: object, properties: {id: {type: string}}}}}`, "{thing_id} ← create /data/id"},
		{"an object is not an id", "/things", "owner",
			`{properties: {id: {type: string}, owner: {type: object, properties: {name: {type: string}}}}}`, "{owner} ← create /id"},
		{"readOnly wins a tie", "/things", "key",
			`{properties: {uuid: {type: string}, id: {type: string, readOnly: true}}}`, "{key} ← create /id"},
		{"nothing names it: marked", "/things", "code",
			`{properties: {name: {type: string}}}`, "{code} ← create /id (not in create's 2xx response schema)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range planDoc(t, producerDoc(tt.path, tt.param, tt.schema)) {
				for _, l := range o.Chain {
					if l.Param == tt.param {
						got = append(got, l.String())
					}
				}
			}
			if d := cmp.Diff([]string{tt.want}, got); d != "" {
				t.Errorf("chain (-want +got):\n%s", d)
			}
		})
	}
}

// TestLinkValueByWords: at run time, an inferred link whose planned field
// is missing finds the value by the same words in the actual body.
func TestLinkValueByWords(t *testing.T) {
	prod := &Operation{Path: "/v1/payments"}
	tests := []struct {
		param, body, want string
	}{
		{"paymentPspReference", `{"pspReference":"PSP1","merchantReference":"m"}`, "PSP1"},
		{"Sid", `{"account_sid":"AC1","sid":"AD1"}`, "AD1"},
		{"payment_id", `{"payment":{"id":"p1"}}`, "p1"},
		{"x", `{"id":7}`, "7"},
		{"x", `{"name":"n"}`, ""},
	}
	for _, tt := range tests {
		l := Link{Param: tt.param, Pointer: "/nowhere", Source: sourceInferred, Producer: prod}
		if got, _ := l.Value(http.Header{}, []byte(tt.body)); got != tt.want {
			t.Errorf("{%s} from %s = %q, want %q", tt.param, tt.body, got, tt.want)
		}
	}
}

// TestFreshIDFitsItsSchema: fresh ids follow the path parameter's schema
// (type, format, pattern, length, enum, bounds) and differ per seed.
func TestFreshIDFitsItsSchema(t *testing.T) {
	tests := []struct {
		schema string
		match  string // a regular expression every value matches
		why    string // a substring of why no fresh id fits; "" when one does
	}{
		{`{type: string}`, `^idemcheck-[0-9a-f]{24}$`, ""},
		{`{type: string, format: uuid}`, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, ""},
		{`{type: string, pattern: "^CF[0-9a-fA-F]{32}$"}`, `^CF[0-9a-fA-F]{32}$`, ""},
		{`{type: string, minLength: 40, maxLength: 40}`, `^.{40}$`, ""},
		{`{type: string, maxLength: 8}`, `^.{8}$`, ""},
		{`{type: string, enum: [red, blue]}`, `^(red|blue)$`, ""},
		{`{type: integer, minimum: 10, maximum: 20}`, `^(1[0-9]|20)$`, ""},
		{`{type: integer, format: int64}`, `^[1-9][0-9]*$`, ""},
		{`{type: integer, minimum: 5, maximum: 4}`, ``, "no integer lies between"},
		{`{type: boolean}`, ``, "of type boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			doc, err := LoadData(context.Background(), fmt.Appendf(nil, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    put:
      operationId: putThing
      parameters: [{name: id, in: path, required: true, schema: %s}]
      responses: {"200": {description: ok}}
`, tt.schema), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			s := pathParamSchema(opRef{path: "/things/{id}", item: doc.T.Paths.Value("/things/{id}"), op: doc.T.Paths.Value("/things/{id}").Put}, "id")
			f, why := freshIDOf(s)
			if tt.why != "" {
				if f != nil || !strings.Contains(why, tt.why) {
					t.Errorf("freshIDOf = %+v, %q; want none because %q", f, why, tt.why)
				}
				return
			}
			if f == nil {
				t.Fatalf("no fresh id: %s", why)
			}
			re := regexp.MustCompile(tt.match)
			seen := map[string]bool{}
			for i := range 20 {
				v := f.Make(fmt.Sprintf("idemcheck-%024x", 1000+i))
				if !re.MatchString(v) {
					t.Errorf("fresh id %q does not match %s", v, tt.match)
				}
				seen[v] = true
			}
			if len(seen) < 2 {
				t.Errorf("20 seeds gave %d distinct ids", len(seen))
			}
		})
	}
}

// TestPutCreatedChains: every operation on and under /things/{id} takes a
// fresh id that the PUT creates; a POST on the collection still wins; a
// PUT that cannot be planned leaves the parameter as planned, with a note.
func TestPutCreatedChains(t *testing.T) {
	doc := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters: [{name: id, in: path, required: true, example: ex1, schema: {type: string, pattern: "^th_[a-z0-9]{6,}$"}}]
    put:
      operationId: putThing
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [n], properties: {n: {type: integer}}}}}}
      responses: {"200": {description: ok}}
    patch:
      operationId: patchThing
      requestBody: {content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}}
      responses: {"200": {description: ok}}
    delete:
      operationId: deleteThing
      responses: {"204": {description: gone}}
  /things/{id}/notes:
    parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: "^th_[a-z0-9]{6,}$"}}]
    post:
      operationId: addNote
      responses: {"201": {description: created}}
  /orders:
    post:
      operationId: createOrder
      responses: {"201": {description: created, content: {application/json: {schema: {properties: {id: {type: string}}}}}}}
  /orders/{id}:
    put:
      operationId: putOrder
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /broken/{id}:
    put:
      operationId: putBroken
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [code], properties: {code: {type: string, minLength: 5, maxLength: 2}}}}}}
      responses: {"200": {description: ok}}
    delete:
      operationId: deleteBroken
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
`)
	got := map[string][]string{}
	notes := map[string][]string{}
	for _, o := range planDoc(t, doc) {
		for _, l := range o.Chain {
			got[o.ID] = append(got[o.ID], l.String())
			if l.Fresh != nil && !l.Fresh.Unmade && l.Fresh.String == nil {
				t.Errorf("%s: the fresh id ignores the pattern of {id}", o.ID)
			}
		}
		for _, n := range o.Notes {
			if strings.Contains(n, "path parameter") {
				notes[o.ID] = append(notes[o.ID], n)
			}
		}
	}
	want := map[string][]string{
		"putThing":    {"{id} ← a fresh id, created by this PUT"},
		"patchThing":  {"{id} ← a fresh id, created by PUT /things/{id}"},
		"deleteThing": {"{id} ← a fresh id, created by PUT /things/{id}"},
		"addNote":     {"{id} ← a fresh id, created by PUT /things/{id}"},
		"putOrder":    {"{id} ← createOrder /id"}, // a POST on the collection creates it
		// nothing usable creates it: its DELETE gets an id of its own (chainunmade.go)
		"deleteBroken": {"{id} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("chains (-want +got):\n%s", d)
	}
	if n := notes["deleteBroken"]; len(n) != 1 || !strings.Contains(n[0], "its producer putBroken cannot be planned") {
		t.Errorf("deleteBroken notes %q, want one saying its PUT cannot be planned", n)
	}
}
