package generic

import (
	"net/http/httptest"
	"testing"
)

// quotesSpec is Stripe's shape of a form field that takes a number or the
// empty string, which unsets it: POST /v1/quotes's application_fee_amount
// (anyOf an integer and enum [""]), and a boolean that takes "" too.
const quotesSpec = `openapi: 3.0.3
info: {title: quotes, version: "1"}
paths:
  /v1/quotes:
    post:
      operationId: PostQuotes
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                application_fee_amount:
                  anyOf: [{type: integer}, {type: string, enum: [""]}]
                collect_tax:
                  anyOf: [{type: boolean}, {type: string, enum: [""]}]
      responses:
        "200":
          description: the quote
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
`

// TestFormAnyOfIntegerOrEmptyString pins how a form value is read against
// anyOf alternatives: "1" is the integer, "" the empty string, "true" the
// boolean. Before, the string alternative made every value a string, and
// application_fee_amount=1 (a valid Stripe request, which idemcheck's
// mismatch-body sends) was refused: "doesn't match any schema from anyOf".
func TestFormAnyOfIntegerOrEmptyString(t *testing.T) {
	srv, err := New([]byte(quotesSpec), Options{CheckResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	tests := []struct {
		form string
		want int
	}{
		{"application_fee_amount=1", 200},
		{"application_fee_amount=", 200},
		{"collect_tax=true", 200},
		{"collect_tax=", 200},
		{"application_fee_amount=abc", 400},
		{"collect_tax=maybe", 400},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			r := do(t, hs.URL, "POST", "/v1/quotes", "application/x-www-form-urlencoded", tt.form, "Idempotency-Key: "+freshKey())
			if r.status != tt.want {
				t.Errorf("status %d, want %d: %s", r.status, tt.want, r.body)
			}
		})
	}
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("the server's own problems: %q", p)
	}
}
