package openapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// planDoc loads and plans a document given as YAML or JSON text.
func planDoc(t *testing.T, data []byte) []Operation {
	t.Helper()
	doc, err := LoadData(context.Background(), data, "test.yaml")
	if err != nil {
		t.Fatalf("LoadData: %v", err)
	}
	ops, err := Plan(context.Background(), doc, PlanOptions{})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return ops
}

// resources maps operation ids to their planned Resource.
func resources(ops []Operation) map[string]*Resource {
	out := map[string]*Resource{}
	for _, op := range ops {
		out[op.ID] = op.Resource
	}
	return out
}

func TestResourceOfExamplePayments(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "payments", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	getCustomer := &Request{Method: "GET", Path: "/v1/customers/cus_demo"}
	want := map[string]*Resource{
		"createPayment":  nil, // a POST: its list is the Collection
		"createRefund":   nil,
		"sendEmail":      nil,
		"upsertCustomer": {Get: "/v1/customers/cus_demo", GetRead: getCustomer}, // no GET /v1/customers
		"deleteCustomer": {Get: "/v1/customers/cus_demo", GetRead: getCustomer}, // the PUT that creates it is its chain
	}
	got := resources(planDoc(t, data))
	for id := range got {
		if _, ok := want[id]; !ok {
			delete(got, id) // operations added to the example later
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Resource (-want +got):\n%s", diff)
	}
}

func TestResource(t *testing.T) {
	// a GET without a schema, on a collection path: read as a list (listshape.go)
	const payments = "GET /payments: the GET declares no 2xx response body, so it is read as a list on its collection path and its items are looked for in the response"
	tests := []struct {
		name string
		doc  string
		want map[string]*Resource
	}{
		{
			name: "list one level up, PUT without GET, DELETE with a query",
			doc:  "v30.yaml",
			want: map[string]*Resource{
				"createPayment":      nil,
				"deletePayment":      {List: "/payments", ListWhy: payments, ListRead: &Request{Method: "GET", Path: "/payments"}},
				"PUT /payments/{id}": {List: "/payments", ListWhy: payments, ListRead: &Request{Method: "GET", Path: "/payments"}},
			},
		},
		{
			name: "fragment path keys are resolved to the real path",
			doc:  "paths.yaml",
			want: map[string]*Resource{
				"put_files_id#add_shared_link":    {Get: "/files/12345", GetRead: &Request{Method: "GET", Path: "/files/12345"}},
				"POST /folders/{folder_id}/items": nil,
				"DELETE /profiles/:id":            nil, // not planned
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ops := planFixture(t, tt.doc, PlanOptions{})
			if diff := cmp.Diff(tt.want, resources(ops)); diff != "" {
				t.Errorf("Resource (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeleteCreatedByThePutBesideIt: a DELETE's resource is created by the
// PUT on its path under a fresh id, whatever examples the two declare (a
// and b): one id for both, the experiment's own.
func TestDeleteCreatedByThePutBesideIt(t *testing.T) {
	doc := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    delete:
      operationId: deleteThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}, example: a}]
      responses: {"204": {description: gone}}
    put:
      operationId: putThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}, example: b}]
      responses: {"200": {description: ok}}
`)
	got := map[string][]string{}
	for _, o := range planDoc(t, doc) {
		for _, l := range o.Chain {
			got[o.ID] = append(got[o.ID], l.String())
		}
	}
	want := map[string][]string{
		"deleteThing": {"{id} ← a fresh id, created by PUT /things/{id}"},
		"putThing":    {"{id} ← a fresh id, created by this PUT"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chains (-want +got):\n%s", diff)
	}
}

func TestParentPath(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/customers/x":  "/v1/customers",
		"/v1/customers/x/": "/v1/customers",
		"/things":          "",
		"/":                "",
		"":                 "",
	} {
		if got := parentPath(in); got != want {
			t.Errorf("parentPath(%q) = %q, want %q", in, got, want)
		}
	}
}
