package openapi

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAltParams pins which parameters mismatch-params varies and why the
// others are left: credentials, accounts (cross-principal's), tracing ids,
// representation and preconditions never; scalars, enums and booleans
// first, at most maxVariedParams, each value proven valid.
func TestAltParams(t *testing.T) {
	_, ops := planFixture(t, "altparams.yaml", PlanOptions{})
	byID := map[string]Operation{}
	for _, o := range ops {
		byID[o.ID] = o
	}
	charge := byID["createCharge"]
	if charge.Skip != "" {
		t.Fatalf("createCharge not planned: %s", charge.Skip)
	}
	const (
		account = "names an account or tenant: a replay across principals is cross-principal's finding (--other-header)"
		repr    = "selects the representation (negotiation, fields, expansion, pagination, locale or version), not the outcome"
	)
	want := []ParamAlt{
		{In: "query", Name: "mode", Default: "live", To: []string{"test"}, Kind: "enum"},
		{In: "query", Name: "capture", Default: "true", To: []string{"false"}, Kind: "boolean"},
		{In: "query", Name: "dry_run", To: []string{"true", "false"}, Kind: "boolean"},
		{In: "header", Name: "X-Async", Kind: "boolean", Skip: "beyond the 3 parameters varied per operation"},
		{In: "query", Name: "priority", From: "3", Default: "3", Kind: "number", Skip: "beyond the 3 parameters varied per operation"},
		{In: "query", Name: "code", Kind: "string", Skip: "beyond the 3 parameters varied per operation"},
		{In: "header", Name: "Stripe-Account", Skip: account},
		{In: "header", Name: "X-Tenant-Id", Skip: account},
		{In: "header", Name: "On-Behalf-Of", Skip: account},
		{In: "header", Name: "Authorization", Skip: "a credential"},
		{In: "query", Name: "api_key", Skip: "a credential (a security scheme of the document)"},
		{In: "header", Name: "X-Request-Id", Skip: "a tracing or metadata value: a retry may carry a new one"},
		{In: "header", Name: "Prefer", Skip: repr},
		{In: "header", Name: "Accept-Language", Skip: repr},
		{In: "header", Name: "If-Match", Skip: "a precondition or a description of the body"},
		{In: "query", Name: "expand", Skip: repr},
		{In: "query", Name: "page", Skip: repr},
		{In: "query", Name: "tags", Skip: "not a single value (array)"},
		{In: "query", Name: "reference", Skip: "a free-form string: no other value is known to mean something else"},
		{In: "header", Name: "X-New-API-Enabled", Skip: quietHeader},
	}
	if diff := cmp.Diff(want, charge.AltParams); diff != "" {
		t.Errorf("createCharge AltParams (-want +got):\n%s", diff)
	}
	if got := byID["createNote"].AltParams; got != nil {
		t.Errorf("createNote has no key, so nothing to vary under one; got %v", got)
	}

	// Every varied value is a request the document accepts, like the
	// planned one: the probe's control must fail only on the server.
	for _, a := range VariedParams(charge.AltParams) {
		for _, v := range a.To {
			r := a.Set(charge.Request, v)
			if got := paramOf(r, a); got != v {
				t.Errorf("%s: Set(%q) sends %q", a.Name, v, got)
			}
			if paramOf(charge.Request, a) != a.From {
				t.Errorf("%s: Set changed the planned request", a.Name)
			}
		}
	}
}

func paramOf(r *Request, a ParamAlt) string {
	if a.In == "query" {
		return r.Query.Get(a.Name)
	}
	return r.Header.Get(a.Name)
}

// TestAltParamsPayments: the example's capture parameter, left out of the
// planned request, is varied to false (its default is true).
func TestAltParamsPayments(t *testing.T) {
	doc, err := Load(context.Background(), filepath.Join("..", "examples", "payments", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Plan(context.Background(), doc, PlanOptions{Operations: []string{"createPayment"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []ParamAlt{{In: "query", Name: "capture", Default: "true", To: []string{"false"}, Kind: "boolean"}}
	if diff := cmp.Diff(want, ops[0].AltParams); diff != "" {
		t.Errorf("createPayment AltParams (-want +got):\n%s", diff)
	}
	if got := want[0].String(); got != "query capture: omitted (default true) → false" {
		t.Errorf("String() = %q", got)
	}
}

func TestParamAltSetCopies(t *testing.T) {
	r := &Request{Method: "POST", Path: "/x", Query: url.Values{"a": {"1"}}, Header: http.Header{"X-A": {"1"}}}
	q := ParamAlt{In: "query", Name: "a"}.Set(r, "2")
	h := ParamAlt{In: "header", Name: "X-A"}.Set(r, "2")
	if r.Query.Get("a") != "1" || r.Header.Get("X-A") != "1" {
		t.Errorf("Set changed the original: %v %v", r.Query, r.Header)
	}
	if q.Query.Get("a") != "2" || h.Header.Get("X-A") != "2" {
		t.Errorf("Set did not set: %v %v", q.Query, h.Header)
	}
	empty := ParamAlt{In: "header", Name: "X-B"}.Set(&Request{}, "v")
	if empty.Header.Get("X-B") != "v" {
		t.Errorf("Set on a request without headers: %v", empty.Header)
	}
}

func TestNameWords(t *testing.T) {
	for in, want := range map[string]string{
		"X-Request-Id":               "x request id",
		"merchantAccount":            "merchant account",
		"Plaid-New-User-API-Enabled": "plaid new user api enabled",
		"expand[]":                   "expand",
		"dry_run":                    "dry run",
	} {
		if got := strings.Join(nameWords(in), " "); got != want {
			t.Errorf("nameWords(%q) = %q, want %q", in, got, want)
		}
	}
}
