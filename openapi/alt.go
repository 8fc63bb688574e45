package openapi

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The mismatch-body probe reuses a key with a different payload. The
// difference must be meaningful (a server may ignore a cosmetic one) and the
// payload must be valid (or a rejection proves nothing), so AltBody changes
// one field, preferring amounts and quantities, and proves the result.

// maxAltTries bounds the validations spent looking for an alternative body.
const maxAltTries = 24

// leaf is a scalar inside a body, addressed by its path of keys/indices.
type leaf struct {
	path []any // string keys and int indices
	v    any
}

// altBody returns a valid body that differs from req.Body in one field
// that is not the key, and differs from it on the wire; or nil and why.
//
// A difference in the value is not enough: the probe's verdict rests on the
// server seeing another request, so a candidate whose encoded bytes (JSON,
// bracket form, multipart) equal the original's is not one, however it was
// built.
func (s *synth) altBody(req *Request) (*Body, string) {
	if req.Body == nil {
		return nil, "" // nothing to vary, nothing to explain
	}
	var leaves []leaf
	collectLeaves(req.Body.Value, nil, &leaves, 0)
	sort.SliceStable(leaves, func(i, j int) bool { return leafRank(leaves[i]) < leafRank(leaves[j]) })
	root := s.media.schema()
	tries, same := 0, 0
	try := func(v any) (*Body, bool) {
		b := &Body{ContentType: req.Body.ContentType, Value: v}
		if SameOnWire(req.Body, b) {
			same++ // "*" bumped to "*": not a different request
			return nil, false
		}
		tries++
		return b, s.check(req, b) == nil
	}
	for _, l := range leaves {
		if len(l.path) == 1 && l.path[0] == s.keyField() {
			continue
		}
		for _, alt := range alternatives(l, schemaAt(root, l.path)) {
			if tries >= maxAltTries {
				return nil, fmt.Sprintf("no other valid body found in %d validations", maxAltTries)
			}
			if b, ok := try(setAt(deepCopy(req.Body.Value), l.path, alt)); ok {
				return b, ""
			}
		}
	}
	// Nothing to vary: add an optional field instead, a free-form one
	// first, then any other that takes a plain value.
	if m, ok := req.Body.Value.(map[string]any); ok {
		for _, c := range s.optionalAdditions(m) {
			if tries >= maxAltTries {
				break
			}
			if b, ok := try(c); ok {
				return b, ""
			}
		}
	}
	switch {
	case tries == 0 && same > 0:
		return nil, "every other value tried encodes to the same bytes as the original body"
	case tries == 0:
		return nil, "the body has no field that can take another value"
	}
	return nil, fmt.Sprintf("none of the %d other bodies tried is valid against the document", tries)
}

// optionalAdditions are copies of a top-level body m with one optional
// property added, best first: a free-form text field, then the other
// writable properties (sorted) that take a scalar value.
func (s *synth) optionalAdditions(m map[string]any) []map[string]any {
	top := flatten(s.media.schema())
	var out []map[string]any
	add := func(name string, v any) {
		c := deepCopy(m).(map[string]any)
		c[name] = v
		out = append(out, c)
	}
	free := map[string]bool{}
	for _, name := range freeFormFields {
		free[name] = true
		p := top.Properties[name]
		if _, set := m[name]; set || p == nil || p.Value == nil || p.Value.ReadOnly || !isPlainString(p.Value) {
			continue
		}
		add(name, "idemcheck alternative")
	}
	g := newGen(s.t)
	g.noEmpty = s.media.form || s.media.multipart
	type addition struct {
		name string
		v    any
		rank int
	}
	var more []addition
	for _, name := range sortedKeys(top.Properties) {
		p := top.Properties[name]
		if _, set := m[name]; set || free[name] || name == s.keyField() || p == nil || p.Value == nil || p.Value.ReadOnly || p.Value.Deprecated {
			continue
		}
		v, ok := g.value(p, name, 1)
		switch v.(type) {
		case string, int64, float64, bool:
			if ok && v != "" {
				more = append(more, addition{name, v, additionRank(name, p.Value)})
			}
		}
	}
	sort.SliceStable(more, func(i, j int) bool { return more[i].rank < more[j].rank })
	for _, a := range more {
		add(a.name, a.v)
	}
	return out
}

// additionRank orders optional properties to add: values the document
// enumerates or bounds first, references last (a made-up token or id is
// valid to the document and unknown to the server).
func additionRank(name string, sc *openapi3.Schema) int {
	n := strings.ToLower(name)
	for _, w := range []string{"id", "token", "key", "secret", "password", "source", "account", "customer"} {
		if n == w || strings.HasSuffix(n, "_"+w) || strings.HasSuffix(n, w+"s") || strings.HasSuffix(name, strings.ToUpper(w[:1])+w[1:]) {
			return 3
		}
	}
	switch {
	case len(enumValues(sc)) > 0, schemaType(sc) == openapi3.TypeBoolean:
		return 0
	case schemaType(sc) == openapi3.TypeString && sc.Format == "" && sc.Pattern == "":
		return 1
	}
	return 2
}

// SameOnWire reports whether two bodies encode to the same bytes (and
// media type): a server cannot tell them apart. Bodies that cannot be
// encoded are not the same.
func SameOnWire(a, b *Body) bool {
	if a == nil || b == nil {
		return a == b
	}
	pa, ca, errA := a.encode()
	pb, cb, errB := b.encode()
	return errA == nil && errB == nil && ca == cb && bytes.Equal(pa, pb)
}

func collectLeaves(v any, path []any, out *[]leaf, depth int) {
	if depth > maxDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			collectLeaves(t[k], append(append([]any(nil), path...), k), out, depth+1)
		}
	case []any:
		for i, e := range t {
			collectLeaves(e, append(append([]any(nil), path...), i), out, depth+1)
		}
	case nil:
	default:
		*out = append(*out, leaf{path: path, v: v})
	}
}

// leafRank puts amounts and quantities first: changing them is what a
// server that ignores the payload on replay would get most wrong.
func leafRank(l leaf) int {
	name := ""
	for i := len(l.path) - 1; i >= 0; i-- {
		if s, ok := l.path[i].(string); ok {
			name = strings.ToLower(s)
			break
		}
	}
	switch {
	case strings.Contains(name, "amount") || strings.Contains(name, "quantity") || name == "value" || strings.Contains(name, "price"):
		return 0
	case strings.Contains(name, "name") || strings.Contains(name, "description") ||
		strings.Contains(name, "note") || strings.Contains(name, "memo") || strings.Contains(name, "reference"):
		return 1
	}
	switch v := l.v.(type) {
	case float64, int64:
		return 2
	case string:
		if strings.Contains(v, "@") || strings.Contains(v, "://") {
			return 5 // a changed address is valid but reads as a typo
		}
		return 3
	}
	return 4
}

// alternatives are other values for a leaf, most plausible first: the
// other values of its enum (an array item's or a nested field's too), then
// values derived from it. The leaf's own value is never among them.
func alternatives(l leaf, sc *openapi3.Schema) []any {
	var out []any
	for _, e := range enumValues(sc) {
		if e != nil && !sameScalar(e, l.v) {
			out = append(out, e)
		}
	}
	var derived []any
	switch t := l.v.(type) {
	case int64:
		derived = []any{t + 1, t - 1, t * 2}
	case float64:
		derived = []any{t + 1, t - 1, t * 2}
	case bool:
		derived = []any{!t}
	case string:
		derived = []any{t + "2", bumpLast(t)}
	}
	for _, d := range derived {
		if !sameScalar(d, l.v) {
			out = append(out, d)
		}
	}
	return out
}

// sameScalar reports whether two scalars print alike (1 and 1.0, "*" and "*").
func sameScalar(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// enumValues are the values a schema enumerates, its anyOf/oneOf branches'
// included (Stripe writes an enum beside a branch of enum [""]).
func enumValues(sc *openapi3.Schema) []any {
	if sc == nil {
		return nil
	}
	out := append([]any(nil), sc.Enum...)
	for _, branches := range [][]*openapi3.SchemaRef{sc.AnyOf, sc.OneOf} {
		for _, b := range branches {
			if b != nil && b.Value != nil {
				out = append(out, b.Value.Enum...)
			}
		}
	}
	return out
}

// schemaAt is the schema of the value at path inside a body of schema
// root: properties (or additionalProperties, or the first anyOf/oneOf
// branch that declares the key) for keys, items for indices. Nil when the
// path leaves what the schema describes.
func schemaAt(root *openapi3.SchemaRef, path []any) *openapi3.Schema {
	if root == nil || root.Value == nil {
		return nil
	}
	sc := flatten(root)
	for depth, step := range path {
		if depth > maxDepth {
			return nil
		}
		var next *openapi3.SchemaRef
		switch k := step.(type) {
		case string:
			next = propertyOf(sc, k)
		case int:
			next = sc.Items
			if next == nil {
				next = branchWith(sc, func(b *openapi3.Schema) *openapi3.SchemaRef { return b.Items })
			}
		}
		if next == nil || next.Value == nil {
			return nil
		}
		sc = flatten(next)
	}
	return sc
}

// propertyOf is the schema of property k of an object schema.
func propertyOf(sc *openapi3.Schema, k string) *openapi3.SchemaRef {
	if p := sc.Properties[k]; p != nil {
		return p
	}
	if p := branchWith(sc, func(b *openapi3.Schema) *openapi3.SchemaRef { return b.Properties[k] }); p != nil {
		return p
	}
	return sc.AdditionalProperties.Schema
}

// branchWith is f of the first anyOf/oneOf branch for which it is not nil.
func branchWith(sc *openapi3.Schema, f func(*openapi3.Schema) *openapi3.SchemaRef) *openapi3.SchemaRef {
	for _, branches := range [][]*openapi3.SchemaRef{sc.AnyOf, sc.OneOf} {
		for _, b := range branches {
			if b == nil || b.Value == nil {
				continue
			}
			if r := f(flatten(b)); r != nil {
				return r
			}
		}
	}
	return nil
}

// bumpLast changes the last character of s within its class (digit, letter).
func bumpLast(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return "x"
	}
	c := r[len(r)-1]
	switch {
	case c >= '0' && c < '9', c >= 'a' && c < 'z', c >= 'A' && c < 'Z':
		c++
	case c == '9':
		c = '0'
	case c == 'z':
		c = 'a'
	case c == 'Z':
		c = 'A'
	}
	r[len(r)-1] = c
	return string(r)
}

// setAt sets the value at path inside v (which it modifies) and returns v.
func setAt(v any, path []any, x any) any {
	if len(path) == 0 {
		return x
	}
	switch t := v.(type) {
	case map[string]any:
		k := path[0].(string)
		t[k] = setAt(t[k], path[1:], x)
	case []any:
		i := path[0].(int)
		t[i] = setAt(t[i], path[1:], x)
	}
	return v
}
