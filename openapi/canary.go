package openapi

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A shared staging server has other traffic: a list that grew by two while a
// probe ran may hold one item of someone else's. So each experiment writes a
// value unique to it (the canary) into a free-form string field of the body,
// and the observers count only the items that carry it. The planner picks the
// field here and proves that a body with the canary in it is still valid.

// CanaryLength is the length of every canary value the probes send; the
// field chosen must accept a string this long.
const CanaryLength = 20

// placeholderCanary stands in for the canary when proving bodies valid.
const placeholderCanary = "idemcheck-c0ffee0123"

// canaryFields are the top-level string properties that carry free text,
// best first. Fields with a format, pattern or enum never qualify.
var canaryFields = []string{"description", "memo", "note", "notes", "comment", "reference", "remarks", "name", "title", "statement"}

// metadataFields are map-like object properties (Stripe's metadata): the
// canary goes in as a key of its own.
var metadataFields = []string{"metadata", "meta", "tags", "labels", "attributes"}

// canaryKey is the key the canary takes inside a metadata object.
const canaryKey = "idemcheck_canary"

// canary returns the JSON pointer of the field where probes put the canary,
// or "" when the body has none that stays valid with it.
func (s *synth) canary(o *Operation) string {
	if o.Request == nil || o.Request.Body == nil {
		return ""
	}
	top := flatten(s.media.schema())
	var cands []string
	for _, name := range canaryFields {
		if p := top.Properties[name]; p != nil && p.Value != nil && canaryString(p.Value) && name != s.keyField() {
			cands = append(cands, "/"+name)
		}
	}
	for _, name := range metadataFields {
		if p := top.Properties[name]; p != nil && p.Value != nil && stringMap(p.Value) {
			cands = append(cands, "/"+name+"/"+canaryKey)
		}
	}
	for _, ptr := range cands {
		body := o.Request.Body.WithPointer(ptr, placeholderCanary)
		if s.check(o.Request, body) != nil {
			continue
		}
		if o.AltBody != nil {
			alt := o.AltBody.WithPointer(ptr, placeholderCanary)
			// The canary must not erase the difference the mismatch-body
			// probe relies on, nor make the alternative invalid.
			if SameOnWire(alt, body) || s.check(o.Request, alt) != nil {
				continue
			}
		}
		return ptr
	}
	return "" // the probes say so in their results (probes/observe_diff.go)
}

// canaryString reports whether a property takes free text of CanaryLength.
func canaryString(sc *openapi3.Schema) bool {
	if !isPlainString(sc) || sc.ReadOnly {
		return false
	}
	if sc.MaxLength != nil && *sc.MaxLength < CanaryLength {
		return false
	}
	return sc.MinLength <= CanaryLength
}

// stringMap reports whether a property is an object that takes arbitrary
// string-valued keys.
func stringMap(sc *openapi3.Schema) bool {
	if schemaType(sc) != openapi3.TypeObject || sc.ReadOnly || len(sc.Properties) > 0 {
		return false
	}
	ap := sc.AdditionalProperties
	if ap.Has != nil && !*ap.Has {
		return false
	}
	if ap.Schema != nil && ap.Schema.Value != nil {
		return canaryString(ap.Schema.Value)
	}
	return true // additionalProperties: true, or unspecified (free-form)
}

// WithPointer returns a copy of b with the string value set at the JSON
// pointer ptr, creating the objects on the way. b itself is not changed; a
// nil b or a pointer through a non-object returns b unchanged.
func (b *Body) WithPointer(ptr, value string) *Body {
	if b == nil || ptr == "" || !strings.HasPrefix(ptr, "/") {
		return b
	}
	root, ok := deepCopy(b.Value).(map[string]any)
	if !ok {
		return b
	}
	parts := strings.Split(ptr[1:], "/")
	cur := root
	for i, part := range parts {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if i == len(parts)-1 {
			cur[part] = value
			break
		}
		next, ok := cur[part].(map[string]any)
		if !ok {
			if cur[part] != nil {
				return b
			}
			next = map[string]any{}
			cur[part] = next
		}
		cur = next
	}
	return &Body{ContentType: b.ContentType, Value: root}
}
