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

// opByID finds a planned operation by id.
func opByID(t *testing.T, ops []Operation, id string) *Operation {
	t.Helper()
	for i := range ops {
		if ops[i].ID == id {
			return &ops[i]
		}
	}
	t.Fatalf("operation %s not planned", id)
	return nil
}

// realOp loads a real-world document (skipping when the documents are
// absent), plans it and returns the operation named "METHOD /path".
func realOp(t *testing.T, file, name string, opts PlanOptions) *Operation {
	t.Helper()
	realSpecs(t)                                             // skips without the documents
	doc, _, err := loadSpec(filepath.Join(specsDir(), file)) // specs_cache_test.go: shared, read only
	if err != nil {
		t.Fatal(err)
	}
	opts.Operations = []string{name}
	ops, err := Plan(context.Background(), doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0].Skip != "" {
		t.Fatalf("%s: planned %+v", name, ops)
	}
	return &ops[0]
}

// TestUpdateStylePostIsNotAList is issue 23's Stripe defect: the GET beside
// the update-style POST /v1/customers/{customer} answers one customer, so
// it is the state the POST changes (a read-back), never the collection
// that counts its side effects.
func TestUpdateStylePostIsNotAList(t *testing.T) {
	check := func(t *testing.T, o *Operation, path string) {
		t.Helper()
		if o.Collection != nil {
			t.Errorf("collection = %+v, want none: the GET answers one object", o.Collection)
		}
		if o.Resource == nil || o.Resource.Get != path || o.Resource.GetRead == nil || o.Resource.GetRead.Path != path {
			t.Errorf("resource = %+v, want the read-back GET %s", o.Resource, path)
		}
		if o.Observation == nil || o.Observation.By != "" || !strings.Contains(o.Observation.Why, "one object") || o.Observation.ReadBack != path {
			t.Errorf("observation = %+v, want none, saying the GET answers one object", o.Observation)
		}
	}
	t.Run("synthetic", func(t *testing.T) {
		_, ops := planFixture(t, "reads.yaml", PlanOptions{})
		check(t, opByID(t, ops, "updateCustomer"), "/v1/customers/idemcheck")
		// the create beside the list keeps it, at /data
		c := opByID(t, ops, "createCustomer").Collection
		if c == nil || c.Pointer != "/data" || c.Read == nil {
			t.Errorf("createCustomer's collection = %+v, want the list at /data", c)
		}
	})
	t.Run("stripe", func(t *testing.T) {
		o := realOp(t, "stripe-spec3.yaml", "POST /v1/customers/{customer}", PlanOptions{KeyHeader: "Idempotency-Key"})
		check(t, o, o.Request.Path)
		c := realOp(t, "stripe-spec3.yaml", "POST /v1/customers", PlanOptions{KeyHeader: "Idempotency-Key"}).Collection
		if c == nil || c.Pointer != "/data" {
			t.Errorf("POST /v1/customers's collection = %+v, want /v1/customers at /data", c)
		}
	})
}

// TestBoxEntriesListWithRequiredQuery: Box's lists hold their items under
// "entries", beside limit and offset, and some require query parameters
// (GET /collaborations?status=pending): the collection observer reads
// /entries, with the parameter.
func TestBoxEntriesListWithRequiredQuery(t *testing.T) {
	want := &Collection{
		Path: "/collaborations", Pointer: "/entries",
		Why:  "GET /collaborations: its entries is an array of objects (beside limit, offset, total_count)",
		Read: &Request{Method: http.MethodGet, Path: "/collaborations", Query: url.Values{"status": {"pending"}}},
	}
	t.Run("synthetic", func(t *testing.T) {
		_, ops := planFixture(t, "reads.yaml", PlanOptions{})
		if d := cmp.Diff(want, opByID(t, ops, "createCollaboration").Collection); d != "" {
			t.Errorf("collection (-want +got):\n%s", d)
		}
	})
	t.Run("box", func(t *testing.T) {
		o := realOp(t, "box-openapi.json", "POST /collaborations", PlanOptions{KeyHeader: "Idempotency-Key"})
		if c := o.Collection; c == nil || c.Pointer != "/entries" || c.Read == nil || c.Read.Query.Get("status") == "" {
			t.Errorf("collection = %+v, want /collaborations at /entries with its required status", c)
		}
	})
}

// TestReadsCarryRequiredHeaders: Cashfree requires x-api-version on every
// request, reads included; the created resource's GET-by-id gets it.
func TestReadsCarryRequiredHeaders(t *testing.T) {
	t.Run("synthetic", func(t *testing.T) {
		_, ops := planFixture(t, "reads.yaml", PlanOptions{})
		o := opByID(t, ops, "createLink")
		want := &Request{Method: http.MethodGet, Path: "/links/{link_id}", Header: http.Header{"X-Api-Version": {"2025-01-01"}}}
		if d := cmp.Diff(want, o.CreatedRead); d != "" {
			t.Errorf("created read (-want +got):\n%s", d)
		}
	})
	t.Run("cashfree", func(t *testing.T) {
		o := realOp(t, "cashfree-openapi.yaml", "POST /links", PlanOptions{})
		if r := o.CreatedRead; r == nil || r.Header.Get("x-api-version") == "" {
			t.Errorf("created read = %+v, want x-api-version", r)
		}
	})
}

// TestReadPathParamsFollowTheirSchema: Twilio's POST declares
// {ConferenceSid} as any string, its GET as ^CF[0-9a-fA-F]{32}$: the value
// is valid for both, so the list of participants is read on the same
// conference the write targets, with a valid path.
func TestReadPathParamsFollowTheirSchema(t *testing.T) {
	check := func(t *testing.T, o *Operation) {
		t.Helper()
		c := o.Collection
		if c == nil || c.Read == nil || c.Read.Path != o.Request.Path || c.Pointer != "/participants" {
			t.Fatalf("collection = %+v, want the participants list on the write's path %s", c, o.Request.Path)
		}
		seg := strings.Split(o.Request.Path, "/")[4]
		if !strings.HasPrefix(seg, "CF") || len(seg) != 34 {
			t.Errorf("ConferenceSid = %q, want one matching ^CF[0-9a-fA-F]{32}$", seg)
		}
	}
	t.Run("synthetic", func(t *testing.T) {
		_, ops := planFixture(t, "reads.yaml", PlanOptions{})
		check(t, opByID(t, ops, "CreateParticipant"))
	})
	t.Run("twilio", func(t *testing.T) {
		o := realOp(t, "twilio-twilio_api_v2010.json", "POST /2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants.json", PlanOptions{})
		c := o.Collection
		if c == nil || c.Read == nil || !strings.Contains(c.Read.Path, "/Conferences/CF") {
			t.Errorf("collection = %+v, want a ConferenceSid that matches its pattern", c)
		}
	})
}

// TestListShapes pins which GETs are lists, and where their items are.
func TestListShapes(t *testing.T) {
	_, ops := planFixture(t, "reads.yaml", PlanOptions{})
	tests := []struct {
		op      string
		list    bool
		pointer string
		why     string
	}{
		{"createOrder", true, "", "the 2xx response is an array"},
		{"updateOrder", false, "", "its arrays (items) are its own fields"},
		{"bumpCounter", false, "", "one object (no array of items at its top level)"},
		{"createBlob", true, "", "so it is read as a list on its collection path"},
		{"CreateParticipant", true, "/participants", "named after the path"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			o := opByID(t, ops, tt.op)
			c := o.Collection
			if (c != nil) != tt.list {
				t.Fatalf("collection = %+v, want a list: %v", c, tt.list)
			}
			why := o.Observation.Why
			if c != nil {
				why = c.Why
				if c.Pointer != tt.pointer {
					t.Errorf("pointer = %q, want %q", c.Pointer, tt.pointer)
				}
			}
			if !strings.Contains(why, tt.why) {
				t.Errorf("why = %q, want it to say %q", why, tt.why)
			}
		})
	}
}

// TestWithPathParamsRepathsReads: a chained experiment's reads follow the
// parent it created.
func TestWithPathParamsRepathsReads(t *testing.T) {
	_, ops := planFixture(t, "reads.yaml", PlanOptions{})
	o := opByID(t, ops, "CreateParticipant").WithPathParams(map[string]string{"ConferenceSid": "CF0123456789abcdef0123456789abcdef"})
	want := strings.Replace(opByID(t, ops, "CreateParticipant").Request.Path, "CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "CF0123456789abcdef0123456789abcdef", 1)
	if o.Request.Path != want || o.Collection.Path != want || o.Collection.Read.Path != want {
		t.Errorf("re-pathed: request %s, collection %s, read %s; want all %s", o.Request.Path, o.Collection.Path, o.Collection.Read.Path, want)
	}
	u := opByID(t, ops, "updateOrder").WithPathParams(map[string]string{"order_id": "ord_1"})
	if u.Resource.Get != "/orders/ord_1" || u.Resource.GetRead.Path != "/orders/ord_1" {
		t.Errorf("read-back re-pathed to %+v", u.Resource)
	}
}
