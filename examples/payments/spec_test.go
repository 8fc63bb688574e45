package payments

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(Spec)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	return doc
}

// TestSpecValid: the embedded document is valid OpenAPI 3.0, examples included.
func TestSpecValid(t *testing.T) {
	doc := loadSpec(t)
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("validate spec: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
}

// TestSpecMatchesServer sends requests built from the document's examples and
// checks that the server accepts them and answers as the document says.
func TestSpecMatchesServer(t *testing.T) {
	srv := httptest.NewServer(New(Options{}))
	t.Cleanup(srv.Close)
	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		method, path, body string
		keyed              bool
		want               int
	}{
		{"POST", "/v1/payments", `{"amount":2000,"currency":"usd","description":"Order 1042","customer":"cus_demo"}`, true, 201},
		{"POST", "/v1/payments", `{"amount":4000,"currency":"usd"}`, true, 402},
		{"POST", "/v1/payments", `{"amount":2000}`, true, 400},
		{"GET", "/v1/payments", "", false, 200},
		{"GET", "/v1/payments/pay_seed0001", "", false, 200},
		{"GET", "/v1/payments/pay_missing", "", false, 404},
		{"POST", "/v1/payments/pay_seed0001/refunds", `{"amount":500,"reason":"requested_by_customer"}`, true, 201},
		{"GET", "/v1/payments/pay_seed0001/refunds", "", false, 200},
		{"PUT", "/v1/customers/cus_demo", `{"name":"Ada Lovelace","email":"ada@example.com"}`, false, 200},
		{"GET", "/v1/customers/cus_demo", "", false, 200},
		{"DELETE", "/v1/customers/cus_demo", "", false, 204},
		{"DELETE", "/v1/customers/cus_demo", "", false, 404},
	}
	ctx := context.Background()
	for i, st := range steps {
		req, _ := http.NewRequest(st.method, srv.URL+st.path, bytes.NewBufferString(st.body))
		if st.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if st.keyed {
			req.Header.Set(KeyHeader, "spec-"+string(rune('a'+i)))
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: find route: %v", st.method, st.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil && st.want < 400 {
			t.Errorf("%s %s: request invalid: %v", st.method, st.path, err)
		}
		req.Body = io.NopCloser(bytes.NewBufferString(st.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != st.want {
			t.Errorf("%s %s: status %d, want %d: %s", st.method, st.path, resp.StatusCode, st.want, body)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
			Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body))}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s %s: response does not match the document: %v", st.method, st.path, err)
		}
	}
}
