package probes

import (
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

// TestCanaryFor pins the shape of a key's canary: the experiment's prefix,
// openapi.CanaryLength long, the same for the same key, different for
// different keys and for no key.
func TestCanaryFor(t *testing.T) {
	prefix := newCanary()
	if len(prefix) != canaryPrefixLen || !strings.HasPrefix(prefix, canaryTag) {
		t.Fatalf("prefix %q: want %s and %d characters", prefix, canaryTag, canaryPrefixLen)
	}
	keys := []string{"", "k1", "k2", "idemcheck-0123456789abcdef01234567", strings.Repeat("x", 10000)}
	seen := map[string]string{}
	for _, key := range keys {
		c := canaryFor(prefix, key)
		if len(c) != openapi.CanaryLength || !strings.HasPrefix(c, prefix) {
			t.Errorf("canary of %.20q = %q: want %d characters starting with %q", key, c, openapi.CanaryLength, prefix)
		}
		if again := canaryFor(prefix, key); again != c {
			t.Errorf("canary of %.20q changed: %q then %q", key, c, again)
		}
		if other, dup := seen[c]; dup {
			t.Errorf("keys %.20q and %.20q share the canary %q", other, key, c)
		}
		seen[c] = key
	}
	if newCanary() == prefix {
		t.Errorf("two experiments drew the same prefix %q", prefix)
	}
}

// TestWithCanaryBodyKey: a key carried in the body counts as the request's
// key, so the key-format probe's body-keyed requests get distinct canaries.
func TestWithCanaryBodyKey(t *testing.T) {
	op := thingOp("/description")
	op.Key = openapi.Key{In: openapi.KeyBodyField, Name: "idempotency_key"}
	x := &Experiment{run: newRun(Config{}), canary: newCanary()}
	get := func(b *openapi.Body) string { return b.Value.(map[string]any)["description"].(string) }
	viaArg := get(withCanary(x, op, "k1", nil))
	viaBody := get(withCanary(x, op, "", op.Request.Body.With("idempotency_key", "k1")))
	none := get(withCanary(x, op, "", nil))
	if viaArg != viaBody || viaArg == none {
		t.Errorf("canaries: key k1 %q, k1 in the body %q, no key %q; want the first two equal and the third different", viaArg, viaBody, none)
	}
}
