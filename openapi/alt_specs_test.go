package openapi

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSpecsAltBodyDiffersOnTheWire holds, for every real-world document,
// that no planned alternative body encodes to the bytes of its operation's
// request, as the probes send them (the canary in place, the key in the
// body when it goes there), and that every one is valid by the independent
// check of TestSpecsValidate (issue 23: Stripe's POST /v1/webhook_endpoints
// sent enabled_events[0]=* twice and mismatch-body cried "ignores the body").
func TestSpecsAltBodyDiffersOnTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads every real-world document")
	}
	ctx := context.Background()
	for _, p := range realSpecs(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()               // a document of its own: the first of the tests to load it, seconds of CPU
			doc, _, err := loadSpec(p) // specs_cache_test.go: shared, read only
			if err != nil {
				t.Skipf("not loaded: %v", err)
			}
			ops, _, err := planLoadedSpec(p, PlanOptions{})
			if err == nil && !anyKey(ops) {
				ops, _, err = planLoadedSpec(p, PlanOptions{KeyHeader: "Idempotency-Key"})
			}
			if err != nil {
				t.Fatal(err)
			}
			alts := 0
			for i := range ops {
				o := &ops[i]
				if o.AltBody == nil {
					continue
				}
				alts++
				key := o.Key.Format.Make("idemcheck-0123456789abcdef01234567", "0c0ffee")
				orig, alt := o.Request.Body, o.AltBody
				if o.Key.In == KeyBodyField || o.Key.In == KeyFormField {
					orig, alt = orig.With(o.Key.Name, key), alt.With(o.Key.Name, key)
				}
				orig, alt = orig.WithPointer(o.Canary, placeholderCanary), alt.WithPointer(o.Canary, placeholderCanary)
				if SameOnWire(orig, alt) {
					b, _, _ := alt.encode()
					t.Errorf("%s: the alternative body encodes as the original: %s", o.Name(), oneLine(string(b), 200))
				}
				c := *o
				r := *o.Request
				r.Body = o.AltBody
				c.Request = &r
				if _, err := validateFirst(ctx, doc.T, &c); err != nil {
					t.Errorf("%s: the alternative body is invalid: %v", o.Name(), oneLine(err.Error(), 240))
				}
			}
			t.Logf("%d operations, %d with an alternative body", len(ops), alts)
		})
	}
}
