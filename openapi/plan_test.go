package openapi

import (
	"context"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func planFixture(t *testing.T, name string, opts PlanOptions) (*Document, []Operation) {
	t.Helper()
	doc, err := Load(context.Background(), filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	ops, err := Plan(context.Background(), doc, opts)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return doc, ops
}

func jsonBody(v any) *Body { return &Body{ContentType: "application/json", Value: v} }

func formBody(v any) *Body {
	return &Body{ContentType: "application/x-www-form-urlencoded", Value: v}
}

type obj = map[string]any

// paymentLink is the {id} of /payments/{id}, inferred from POST /payments,
// whose 201 declares no body: /id is marked as not in its schema.
var paymentLink = Link{Param: "id", From: "createPayment", Pointer: "/id", Source: "inferred from the path", NotInSchema: true}

func TestPlanFixtures(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		opts     PlanOptions
		warnings []string
		want     []Operation
	}{
		{
			name: "3.0 YAML with a required header key, readOnly example rejected",
			file: "v30.yaml",
			want: []Operation{
				{
					ID: "createPayment", Method: "POST", Path: "/payments",
					Key:        Key{In: KeyHeader, Name: "Idempotency-Key", Required: true, Source: "header parameter"},
					Request:    &Request{Method: "POST", Path: "/payments", Body: jsonBody(obj{"amount": int64(1), "currency": "USD", "description": "idemcheck test"})},
					AltBody:    jsonBody(obj{"amount": int64(2), "currency": "USD", "description": "idemcheck test"}),
					Collection: &Collection{Path: "/payments"},
					Canary:     "/description",
				},
				{
					ID: "deletePayment", Method: "DELETE", Path: "/payments/{id}",
					Request: &Request{Method: "DELETE", Path: "/payments/pay_aaaa", Query: url.Values{"reason": {"duplicate"}}},
					Chain:   []Link{paymentLink},
				},
				{
					ID: "PUT /payments/{id}", Method: "PUT", Path: "/payments/{id}",
					Request: &Request{Method: "PUT", Path: "/payments/pay_aaaa", Body: jsonBody(obj{"amount": int64(1), "currency": "USD", "description": "idemcheck test"})},
					AltBody: jsonBody(obj{"amount": int64(2), "currency": "USD", "description": "idemcheck test"}),
					Canary:  "/description",
					Chain:   []Link{paymentLink},
				},
			},
		},
		{
			name: "3.1 JSON with an optional body key and a media type example",
			file: "v31.json",
			want: []Operation{{
				ID: "createOrder", Method: "POST", Path: "/orders",
				Key:     Key{In: KeyBodyField, Name: "idempotencyKey", Source: "body property"},
				Request: &Request{Method: "POST", Path: "/orders", Body: jsonBody(obj{"quantity": 2.0, "sku": "ABC-123"})},
				AltBody: jsonBody(obj{"quantity": 3.0, "sku": "ABC-123"}),
				Canary:  "/note",
			}},
		},
		{
			name:     "Swagger 2.0 with a required body key and a dangling ref",
			file:     "swagger2.json",
			warnings: []string{"dangling $ref #/definitions/NoSuchDefinition replaced by an empty schema"},
			want: []Operation{{
				ID: "CreateItem", Method: "POST", Path: "/items",
				Key:     Key{In: KeyBodyField, Name: "idempotency_key", Required: true, Source: "body property"},
				Request: &Request{Method: "POST", Path: "/items", Body: jsonBody(obj{"item": obj{"name": "idemcheck", "price": 1.0}})},
				AltBody: jsonBody(obj{"item": obj{"name": "idemcheck", "price": 2.0}}),
			}},
		},
		{
			name: "form body key and a patterned path parameter",
			file: "form.yaml",
			want: []Operation{{
				ID: "CreatePayments", Method: "POST", Path: "/Accounts/{AccountSid}/Calls/{CallSid}/Payments.json",
				Key:     Key{In: KeyFormField, Name: "IdempotencyKey", Required: true, Source: "form field"},
				Request: &Request{Method: "POST", Path: "/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CA0123/Payments.json", Body: formBody(obj{"ChargeAmount": int64(1), "StatusCallback": "https://example.com/idemcheck"})},
				AltBody: formBody(obj{"ChargeAmount": int64(2), "StatusCallback": "https://example.com/idemcheck"}),
				// nothing in form.yaml creates an account or a call: the planned values go (a 404 skips)
				Unresolved: []Unresolved{
					{Param: "AccountSid", Value: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Why: nothingCreates},
					{Param: "CallSid", Value: "CA0123", Why: nothingCreates},
				},
			}},
		},
		{
			name: "Fern idempotency extension",
			file: "fern.yaml",
			want: []Operation{
				{ID: "runReport", Method: "POST", Path: "/reports", Request: &Request{Method: "POST", Path: "/reports"}},
				{
					ID: "createTransfer", Method: "POST", Path: "/transfers",
					Key:        Key{In: KeyHeader, Name: "Idempotency-Key", Source: "x-fern-idempotent extension"},
					Request:    &Request{Method: "POST", Path: "/transfers", Body: jsonBody(obj{"amount": int64(100)})},
					AltBody:    jsonBody(obj{"amount": int64(200)}),
					Collection: &Collection{Path: "/transfers"},
				},
			},
		},
		{
			name: "--key-header flag overrides detection",
			file: "fern.yaml",
			opts: PlanOptions{Operations: []string{"post /reports"}, KeyHeader: "X-Retry-Token"},
			want: []Operation{{
				ID: "runReport", Method: "POST", Path: "/reports",
				Key:     Key{In: KeyHeader, Name: "X-Retry-Token", Source: "--key-header flag"},
				Request: &Request{Method: "POST", Path: "/reports"},
			}},
		},
		{
			name: "dangling and remote refs become empty schemas",
			file: "dangling.yaml",
			warnings: []string{
				"dangling $ref #/components/schemas/KindThatIsGone replaced by an empty schema",
				"remote $ref https://schemas.example.com/shape.json#/Shape not fetched, replaced by an empty schema",
			},
			want: []Operation{{
				ID: "createThing", Method: "POST", Path: "/things",
				Request: &Request{Method: "POST", Path: "/things", Body: jsonBody(obj{"kind": "idemcheck"})},
				AltBody: jsonBody(obj{"kind": "idemcheck2"}),
			}},
		},
		{
			name:     "remote refs inside examples are dropped, never fetched",
			file:     "example-remote-ref.json",
			warnings: []string{"ignored 2 $ref(s) inside example or extension values"},
			want: []Operation{{
				ID: "CreateAttribute", Method: "POST", Path: "/attributes",
				Key:     Key{In: KeyBodyField, Name: "idempotency_key", Source: "body property"},
				Request: &Request{Method: "POST", Path: "/attributes", Body: jsonBody(obj{"definition": obj{"key": "favorite", "schema": obj{}}})},
				AltBody: jsonBody(obj{"definition": obj{"key": "favorite2", "schema": obj{}}}),
			}},
		},
		{
			name: "no valid request",
			file: "no-valid-request.yaml",
			want: []Operation{
				{ID: "impossible", Method: "POST", Path: "/impossible", Skip: `no valid request: request body has an error: doesn't match schema: Error at "/code": minimum string length is 5`},
				// issue 16: multipart bodies are sent (multipart.go)
				{
					ID: "upload", Method: "POST", Path: "/upload", Request: &Request{Method: "POST", Path: "/upload", Body: &Body{ContentType: "multipart/form-data", Value: obj{}}},
					// issue 23: an empty body varies by an optional field
					AltBody: &Body{ContentType: "multipart/form-data", Value: obj{"file": "idemcheck"}},
				},
			},
		},
		{
			name: "fragment path keys, Express paths and collections of children",
			file: "paths.yaml",
			want: []Operation{
				{
					ID: "put_files_id#add_shared_link", Method: "PUT", Path: "/files/{file_id}#add_shared_link",
					Request: &Request{Method: "PUT", Path: "/files/12345", Query: url.Values{"fields": {"idemcheck"}}},
					// the PUT creates the file under a fresh id, never the example 12345
					Chain: []Link{{Param: "file_id", From: "put_files_id#add_shared_link", Source: sourceFresh, Fresh: &FreshID{}}},
				},
				{
					ID: "POST /folders/{folder_id}/items", Method: "POST", Path: "/folders/{folder_id}/items",
					Request:    &Request{Method: "POST", Path: "/folders/1/items"},
					Collection: &Collection{Path: "/folders/1/items"},
					Unresolved: []Unresolved{{Param: "folder_id", Value: "1", Why: nothingCreates}},
				},
				{ID: "DELETE /profiles/:id", Method: "DELETE", Path: "/profiles/:id", Skip: `path segment ":id" is Express-style, not an OpenAPI {template}`},
			},
		},
		{
			name:     "split document with an operation written as a $ref and a prose-only key",
			file:     filepath.Join("split", "root.yaml"),
			warnings: []string{"inlined 1 operation(s) written as $ref, which OpenAPI does not allow"},
			want: []Operation{{
				ID: "create_batch", Method: "POST", Path: "/v1/batches",
				Key:     Key{In: KeyBodyField, Name: "request_id", Required: true, Source: "body property"},
				Request: &Request{Method: "POST", Path: "/v1/batches", Body: jsonBody(obj{"input_file_id": "file-abc"})},
				AltBody: jsonBody(obj{"input_file_id": "file-abc2"}),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, got := planFixture(t, tt.file, tt.opts)
			// Resource, Docs, AltParams, Removal and the planned reads have their own tests
			// (resource_test.go, docs_test.go, altparams_test.go, cleanup_test.go, reads_test.go).
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Operation{}, "Resource", "Docs", "Position", "AltParams", "Removal", "Observation", "CreatedRead"),
				cmpopts.IgnoreFields(Collection{}, "Why", "Read"), cmpopts.IgnoreFields(Link{}, "Producer")); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, doc.Warnings); diff != "" {
				t.Errorf("Warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanUnknownOperation(t *testing.T) {
	doc, err := Load(context.Background(), filepath.Join("testdata", "v30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Plan(context.Background(), doc, PlanOptions{Operations: []string{"createPayment", "nope", "GET /payments"}})
	want := "plan: unknown or non-mutating operation(s): nope, GET /payments"
	if err == nil || err.Error() != want {
		t.Errorf("Plan error = %v, want %q", err, want)
	}
}

func TestSplitTagDescriptionInlined(t *testing.T) {
	doc, err := Load(context.Background(), filepath.Join("testdata", "split", "root.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := doc.T.Tags[0].Description, "Batches run many inference requests at once."; got != want {
		t.Errorf("tag description = %q, want %q", got, want)
	}
}

// TestRequestBuildValidates pins that a planned request, built with a real
// key, carries the key where Key says and nothing else changes.
func TestRequestBuildWithKey(t *testing.T) {
	_, ops := planFixture(t, "form.yaml", PlanOptions{})
	req, err := ops[0].Request.Build("http://127.0.0.1:1", ops[0].Key, "k-1", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	if got := req.PostForm.Get("IdempotencyKey"); got != "k-1" {
		t.Errorf("IdempotencyKey = %q, want k-1", got)
	}
	if got := req.PostForm.Get("ChargeAmount"); got != "1" {
		t.Errorf("ChargeAmount = %q, want 1", got)
	}
}
