package openapi

import (
	"path/filepath"
	"strings"
	"testing"
)

// keyCounts is where planned operations carry their key, per document, as
// SOURCES.md counts them.
type keyCounts struct {
	header, body, form int
	required           int    // keys marked required
	name               string // the key name, when all keys share it
}

// wantKeys follows the last column of SOURCES.md in the real-world documents
// folder (../shared/specs beside the repository, or $IDEMCHECK_SPECS: realSpecs).
var wantKeys = map[string]keyCounts{
	"adyen-CheckoutService-v72.json":      {header: 22, name: "Idempotency-Key"},
	"paypal-checkout_orders_v2.json":      {header: 3, name: "PayPal-Request-Id"},
	"paypal-vault_payment_tokens_v3.json": {header: 2, required: 2, name: "PayPal-Request-Id"},
	"square-api.json":                     {body: 63, required: 27, name: "idempotency_key"},
	"square-swagger2-api.json":            {body: 59, required: 25, name: "idempotency_key"},
	"plaid-2020-09-14.yml":                {body: 12, required: 10, name: "idempotency_key"},
	"twilio-twilio_api_v2010.json":        {form: 4, required: 2, name: "IdempotencyKey"},
	"cashfree-openapi.yaml":               {header: 48, name: "x-idempotency-key"},
	"box-openapi.json":                    {},
	"stripe-spec3.yaml":                   {},
	"DigitalOcean-public.v2.yaml":         {body: 1, required: 1, name: "request_id"},
}

// smallSpecs are planned even with -short, so the default run covers real
// documents.
var smallSpecs = map[string]bool{
	"adyen-CheckoutService-v72.json":      true,
	"paypal-checkout_orders_v2.json":      true,
	"paypal-vault_payment_tokens_v3.json": true,
}

// TestRealSpecs loads and plans every real-world document: it must never
// panic, must plan or fail with one line, and must find the keys
// SOURCES.md documents (and no Cashfree x-request-id, no Plaid is_idempotent).
func TestRealSpecs(t *testing.T) {
	for _, p := range realSpecs(t) {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			if testing.Short() && !smallSpecs[name] {
				t.Skip("slow real-world document; run without -short")
			}
			st, ops := planSpec(t, p)
			if st.err != "" {
				if strings.Contains(st.err, "\n") {
					t.Errorf("multi-line error: %q", st.err)
				}
				t.Fatalf("not planned: %s", st.err)
			}
			var got keyCounts
			names := map[string]bool{}
			for _, o := range ops {
				if o.Key.In == KeyNone {
					continue
				}
				names[o.Key.Name] = true
				if o.Key.Required {
					got.required++
				}
				switch o.Key.In {
				case KeyHeader:
					got.header++
				case KeyBodyField:
					got.body++
				case KeyFormField:
					got.form++
				}
				if strings.EqualFold(o.Key.Name, "x-request-id") || o.Key.Name == "is_idempotent" {
					t.Errorf("%s: %s is not an idempotency key", o.ID, o.Key.Name)
				}
				if o.Skip == "" && o.Request == nil {
					t.Errorf("%s: planned without a request", o.ID)
				}
			}
			if len(names) == 1 {
				for n := range names {
					got.name = n
				}
			}
			want, ok := wantKeys[name]
			if !ok {
				t.Logf("no expectation for %s: %+v", name, got)
				return
			}
			if got != want {
				t.Errorf("keys = %+v, want %+v", got, want)
			}
		})
	}
}
