package payments

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestUUIDKeys: with UUIDKeys a key that is not a UUID is refused with 400
// and a message that says so; a UUID (also in its RFC 8941 string form) is
// accepted; and UUIDSpec declares it.
func TestUUIDKeys(t *testing.T) {
	a := start(t, Options{UUIDKeys: true})
	body := `{"amount":100,"currency":"usd"}`
	if r := a.do("POST", "/v1/payments", body, KeyHeader, "idemcheck-0123"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "must be a UUID") {
		t.Errorf("non-UUID key: %d %s, want 400 saying it must be a UUID", r.status, r.body)
	}
	for _, k := range []string{"8e03978e-40d5-43e8-bc93-6894a57f9324", `"9e03978e-40d5-43e8-bc93-6894a57f9324"`} {
		if r := a.do("POST", "/v1/payments", body, KeyHeader, k); r.status != http.StatusCreated {
			t.Errorf("key %s: %d %s, want 201", k, r.status, r.body)
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData(UUIDSpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("UUIDSpec invalid: %v", err)
	}
	key := doc.Components.Parameters["IdempotencyKey"].Value.Schema.Value
	if key.Format != "uuid" || key.MinLength != 36 || key.MaxLength == nil || *key.MaxLength != 36 {
		t.Errorf("UUIDSpec key schema = %+v, want format uuid, length 36", key)
	}
}
