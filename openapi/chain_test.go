package openapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPlanChains: a path parameter comes from the configuration, else an
// OpenAPI link, else the parent collection's POST, over several levels.
func TestPlanChains(t *testing.T) {
	_, ops := planFixture(t, "chain.yaml", PlanOptions{})
	got := map[string][]string{}
	for _, o := range ops {
		for _, l := range o.Chain {
			got[o.ID] = append(got[o.ID], l.String()+" ("+l.Source+")")
			if l.Producer == nil || l.Producer.ID != l.From {
				t.Errorf("%s: %s has no planned producer", o.ID, l)
			}
		}
	}
	want := map[string][]string{
		"createSubscription": {"{c} ← createCustomer /customer_id (OpenAPI link subs)"},
		"createItem": {
			// the customer's id field, named after its resource (idwords.go)
			"{c} ← createCustomer /customer_id (inferred from the path)",
			// createSubscription's 201 declares no body: marked
			"{s} ← createSubscription /id (not in createSubscription's 2xx response schema) (inferred from the path)",
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("chains (-want +got):\n%s", d)
	}
	item := ops[2]
	if item.ID != "createItem" || item.Skip != "" {
		t.Fatalf("createItem not planned: %+v", item)
	}
	// Required query and header parameters are sent, the path parameter
	// fits its pattern and length (issue 16: Box fields, Cashfree
	// x-api-version, Twilio Sid).
	if item.Request.Query.Get("fields") == "" || item.Request.Header.Get("x-api-version") != "2023-08-01" {
		t.Errorf("required query/header parameters missing: %v %v", item.Request.Query, item.Request.Header)
	}

	ov := map[string]*Override{"createItem": {Source: "idemcheck.yaml:3", PathParams: map[string]string{"c": "cus_1"},
		PathLinks: map[string]PathLink{"s": {From: "createSubscription", Pointer: "/sub/id"}}}}
	_, ops = planFixture(t, "chain.yaml", PlanOptions{Operations: []string{"createItem"}, Overrides: ov})
	wantLinks := []Link{{Param: "s", From: "createSubscription", Pointer: "/sub/id", Source: "idemcheck.yaml:3", NotInSchema: true}}
	if d := cmp.Diff(wantLinks, ops[0].Chain, cmpopts.IgnoreFields(Link{}, "Producer")); d != "" {
		t.Errorf("configured chain (-want +got):\n%s", d)
	}
}

// TestLinkValue reads a chained value from a pointer, a header, or, for an
// inferred link, the usual places.
func TestLinkValue(t *testing.T) {
	h := http.Header{"Location": {"/v1/payments/pay_loc?x=1"}}
	tests := []struct {
		l    Link
		body string
		want string
	}{
		{Link{Pointer: "/data/0/id"}, `{"data":[{"id":"a1"}]}`, "a1"},
		{Link{Header: "Location"}, `{}`, "pay_loc"},
		{Link{Param: "pid", Pointer: "/id", Source: sourceInferred}, `{"pid":12345678901234567890}`, "12345678901234567890"},
		{Link{Param: "pid", Pointer: "/id", Source: sourceInferred}, `not json`, "pay_loc"},
		{Link{Pointer: "/id"}, `{"name":"x"}`, ""},
		{Link{Param: "droplet_id", Pointer: "/id", Source: sourceInferred}, `{"droplet":{"id":42}}`, "pay_loc"},
	}
	for _, tt := range tests {
		got, _ := tt.l.Value(h, []byte(tt.body))
		if got != tt.want {
			t.Errorf("%+v on %s = %q, want %q", tt.l, tt.body, got, tt.want)
		}
	}
}

// TestFillPathSuffixed: a parameter inside a segment ("{Sid}.json") is
// filled too.
func TestFillPathSuffixed(t *testing.T) {
	got := fillPath("/Accounts/{AccountSid}/Calls/{Sid}.json", "/Accounts/AC1/Calls/CAx.json", map[string]string{"Sid": "CA 2"})
	if want := "/Accounts/AC1/Calls/CA%202.json"; got != want {
		t.Errorf("fillPath = %s, want %s", got, want)
	}
}

// TestPlanKeyFormat: the configuration's key format wins, then the
// document's, then PlanOptions.KeyFormat (the --key-format flag).
func TestPlanKeyFormat(t *testing.T) {
	_, ops := planFixture(t, "chain.yaml", PlanOptions{KeyHeader: "Idempotency-Key", KeyFormat: KeyFormatUUID,
		Overrides: map[string]*Override{"createItem": {Source: "c.yaml:2", KeyFormat: KeyFormatHex}}})
	got := map[string]string{}
	for _, o := range ops {
		got[o.ID] = o.Key.Format.Format + " " + o.Key.Format.Source
	}
	want := map[string]string{
		"createCustomer":     "uuid --key-format flag",
		"createSubscription": "uuid --key-format flag",
		"createItem":         "hex c.yaml:2",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("key formats (-want +got):\n%s", d)
	}
	if err := CheckKeyFormat("guid"); err == nil || !strings.Contains(err.Error(), "known: uuid, ulid, hex") {
		t.Errorf("CheckKeyFormat(guid) = %v", err)
	}
}

func TestLinkValueEnvelope(t *testing.T) {
	l := Link{Param: "droplet_id", Pointer: "/id", Source: sourceInferred}
	if got, ok := l.Value(http.Header{}, []byte(`{"droplet":{"id":42,"name":"x"}}`)); !ok || got != "42" {
		t.Errorf("Value = %q, %v; want 42 from the envelope", got, ok)
	}
}
