package openapi

import (
	"context"
	"strings"
	"testing"
)

// TestIssue23BodiesSaySomething pins that a required object or array that
// a form would encode as nothing gets a member, that every planned request
// and alternative is valid by the independent check of TestSpecsValidate
// (openapi3filter, bracket forms decoded from the wire), and that each
// alternative differs from its request on the wire.
func TestIssue23BodiesSaySomething(t *testing.T) {
	doc, ops := planFixture(t, "issue23-bodies.yaml", PlanOptions{KeyHeader: "Idempotency-Key"})
	tests := []struct {
		name    string
		op      string
		wire    string // the request body as sent
		alt     string // the alternative as sent; "" when there is none
		altSkip string
	}{
		{
			name: "Stripe's billing meter event: a payload of additionalProperties only is a member, not nothing",
			op:   "POST /v1/billing/meter_events",
			wire: "event_name=idemcheck&payload%5Bidemcheck%5D=idemcheck",
			alt:  "event_name=idemcheck2&payload%5Bidemcheck%5D=idemcheck",
		},
		{
			name: "the same in JSON, the member valued by additionalProperties",
			op:   "POST /json/meter_events",
			wire: `{"event_name":"idemcheck","payload":{"idemcheck":5}}`,
			alt:  `{"event_name":"idemcheck2","payload":{"idemcheck":5}}`,
		},
		{
			name: "Stripe's webhook endpoint: the enum item takes another value of its enum, not itself",
			op:   "POST /v1/webhook_endpoints",
			wire: "enabled_events%5B0%5D=%2A&url=https%3A%2F%2Fexample.com%2Fidemcheck",
			alt:  "enabled_events%5B0%5D=account.updated&url=https%3A%2F%2Fexample.com%2Fidemcheck",
		},
		{
			name: "minItems with uniqueItems, minProperties and a free-form object",
			op:   "POST /labels",
			wire: `{"colours":["red","green"],"labels":{"idemcheck":"idemcheck","idemcheck2":"idemcheck"},"options":{"idemcheck":"idemcheck"}}`,
			alt:  `{"colours":["blue","green"],"labels":{"idemcheck":"idemcheck","idemcheck2":"idemcheck"},"options":{"idemcheck":"idemcheck"}}`,
		},
		{
			name: "a form's free-form object and an array of maps",
			op:   "POST /forms/options",
			wire: "options%5Bidemcheck%5D=idemcheck&rows%5B0%5D%5Bidemcheck%5D=false",
			alt:  "options%5Bidemcheck%5D=idemcheck2&rows%5B0%5D%5Bidemcheck%5D=false",
		},
		{
			name:    "nothing else valid: no alternative, and why",
			op:      "POST /closed",
			wire:    `{"kind":"*"}`,
			altSkip: "none of the 1 other bodies tried is valid against the document",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := bodiesOp(t, ops, tt.op)
			if o.Skip != "" {
				t.Fatalf("not planned: %s", o.Skip)
			}
			if got := bodyWire(t, o.Request.Body); got != tt.wire {
				t.Errorf("request body = %s, want %s", got, tt.wire)
			}
			if _, err := validateFirst(context.Background(), doc.T, o); err != nil {
				t.Errorf("request invalid: %v", err)
			}
			if o.AltSkip != tt.altSkip {
				t.Errorf("AltSkip = %q, want %q", o.AltSkip, tt.altSkip)
			}
			if tt.alt == "" {
				if o.AltBody != nil {
					t.Errorf("AltBody = %s, want none", bodyWire(t, o.AltBody))
				}
				return
			}
			if o.AltBody == nil {
				t.Fatal("no alternative body")
			}
			if got := bodyWire(t, o.AltBody); got != tt.alt {
				t.Errorf("alternative body = %s, want %s", got, tt.alt)
			}
			if SameOnWire(o.Request.Body, o.AltBody) {
				t.Error("the alternative is the request on the wire")
			}
			c, r := *o, *o.Request
			r.Body, c.Request = o.AltBody, &r
			if _, err := validateFirst(context.Background(), doc.T, &c); err != nil {
				t.Errorf("alternative invalid: %v", err)
			}
		})
	}
}

func TestSameOnWire(t *testing.T) {
	form := func(v any) *Body { return &Body{ContentType: "application/x-www-form-urlencoded", Value: v} }
	multi := func(v any) *Body { return &Body{ContentType: "multipart/form-data", Value: v} }
	tests := []struct {
		name string
		a, b *Body
		want bool
	}{
		{"both absent", nil, nil, true},
		{"one absent", nil, jsonBody(obj{}), false},
		{"JSON, whole numbers typed apart", jsonBody(obj{"n": int64(1)}), jsonBody(obj{"n": 1.0}), true},
		{"JSON, another value", jsonBody(obj{"n": int64(1)}), jsonBody(obj{"n": int64(2)}), false},
		{"form, a number and its text", form(obj{"n": int64(1)}), form(obj{"n": "1"}), true},
		{"form, an empty object is nothing", form(obj{"a": "x", "m": obj{}}), form(obj{"a": "x"}), true},
		{"form, brackets", form(obj{"e": []any{"*"}}), form(obj{"e": []any{"a"}}), false},
		{"JSON and form of one value", jsonBody(obj{"a": "x"}), form(obj{"a": "x"}), false},
		{"multipart, same parts", multi(obj{"f": "x", "j": obj{"a": 1.0}}), multi(obj{"f": "x", "j": obj{"a": int64(1)}}), true},
		{"multipart, another part", multi(obj{"f": "x"}), multi(obj{"f": "y"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameOnWire(tt.a, tt.b); got != tt.want {
				t.Errorf("SameOnWire = %v, want %v", got, tt.want)
			}
		})
	}
}

func bodiesOp(t *testing.T, ops []Operation, name string) *Operation {
	t.Helper()
	for i := range ops {
		if ops[i].Name() == name {
			return &ops[i]
		}
	}
	t.Fatalf("%s not planned", name)
	return nil
}

func bodyWire(t *testing.T, b *Body) string {
	t.Helper()
	p, _, err := b.encode()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(p))
}
