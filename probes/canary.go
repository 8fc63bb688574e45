package probes

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	"github.com/idemcheck/idemcheck/openapi"
)

// The canary attributes items to one experiment (observe.go), but it lands
// in fields real APIs often require to be unique (a reference, a name): if
// every request of an experiment carried the same value, each fresh-key step
// after the first would be refused as a duplicate (409, 422) and a correct
// server would fail. So each key gets a canary of its own: the experiment's
// prefix, which the observers count items by, and a suffix derived from the
// key. Requests with the same key carry the same canary (a retry stays
// byte-identical, as the protocol requires), requests without a key share
// one of their own, and different keys never share one.
//
// The whole value is openapi.CanaryLength long, the length the planner
// proved valid in the chosen field: "idem-" and 7 hex digits of the
// experiment (28 random bits), "-" and 7 hex digits of the key (28 bits of
// its SHA-256), e.g. "idem-3f9a01c-6b2e94d".

// canaryTag starts every canary, so a reader can tell where a value came from.
const canaryTag = "idem-"

// canaryPrefixLen is the length of an experiment's prefix: the tag and 7
// hex digits.
const canaryPrefixLen = len(canaryTag) + 7

// canarySuffixLen is the length of a key's suffix: "-" and the hex digits
// that fill the rest of openapi.CanaryLength. The array length fails to
// compile if CanaryLength leaves fewer than 6 digits for the key.
const canarySuffixLen = openapi.CanaryLength - canaryPrefixLen

var _ [canarySuffixLen - 7]struct{}

// newCanary returns a fresh experiment prefix: canaryTag and 7 hex digits.
func newCanary() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return (canaryTag + hex.EncodeToString(b[:]))[:canaryPrefixLen]
}

// canaryFor is the canary of the requests that carry key ("" for none) in
// the experiment whose prefix is prefix.
func canaryFor(prefix, key string) string {
	sum := sha256.Sum256([]byte(prefix + "\x00" + key))
	return prefix + "-" + hex.EncodeToString(sum[:])[:canarySuffixLen-1]
}

// withCanary puts the canary of key into a request body (op's own when body
// is nil) at op.Canary. A key carried in the body (key empty, the body's
// key field set, as the key-format probe does) counts as the request's key.
func withCanary(x *Experiment, op *openapi.Operation, key string, body *openapi.Body) *openapi.Body {
	if x.canary == "" || op.Canary == "" || op.Request == nil {
		return body
	}
	if body == nil {
		body = op.Request.Body
	}
	if key == "" {
		key = bodyKey(op, body)
	}
	return body.WithPointer(op.Canary, canaryFor(x.canary, key))
}

// bodyKey is the key a body carries in op's key field, "" when none.
func bodyKey(op *openapi.Operation, body *openapi.Body) string {
	if op.Key.In == openapi.KeyHeader || op.Key.In == openapi.KeyNone || body == nil || op.Key.Name == "" {
		return ""
	}
	m, _ := body.Value.(map[string]any)
	s, _ := m[op.Key.Name].(string)
	return s
}
