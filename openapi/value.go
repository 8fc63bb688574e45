package openapi

import (
	"fmt"
	"math"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/idemcheck/idemcheck/internal/ablate"
)

// The generator makes the smallest value a schema accepts: required
// properties only, first enum values, bounds respected. Small bodies have
// fewer ways to be wrong and make diffs in reports easy to read.

// maxDepth bounds recursion through nested and cyclic schemas.
const maxDepth = 10

// freeFormFields are optional properties worth filling in: a harmless
// human-readable string makes the planned body look real and gives AltBody
// something to vary.
var freeFormFields = []string{"description", "name", "note", "memo", "reference"}

// maxGenSteps bounds the work of one generation: oneOf branches that refer
// back to their parent would otherwise make it exponential in maxDepth.
const maxGenSteps = 5000

type gen struct {
	t     *openapi3.T
	steps int
	// noEmpty fills a nested object that would be empty with one optional
	// property: a form body cannot say "{}" (metadata[]= is nothing), so a
	// required object must carry a field to be sent at all.
	noEmpty bool
}

func newGen(t *openapi3.T) *gen { return &gen{t: t} }

// top generates a request body: like value, plus one optional free-form
// string property, and without the key field.
func (g *gen) top(sr *openapi3.SchemaRef, keyField string) (any, bool) {
	v, ok := g.value(sr, "", 0)
	if !ok {
		return nil, false
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return v, true
	}
	delete(m, keyField)
	s := flatten(sr)
	for _, name := range freeFormFields {
		p := s.Properties[name]
		if _, set := m[name]; set || p == nil || p.Value == nil || p.Value.ReadOnly || !isPlainString(p.Value) {
			continue
		}
		m[name] = "idemcheck test"
		if p.Value.VisitJSON(m[name]) != nil {
			delete(m, name)
			continue
		}
		break
	}
	return m, true
}

// value generates a value for a schema; name is the property name, a hint
// for strings ("currency" → "USD").
func (g *gen) value(sr *openapi3.SchemaRef, name string, depth int) (any, bool) {
	if sr == nil || sr.Value == nil {
		return "idemcheck", true
	}
	g.steps++
	if depth > maxDepth || g.steps > maxGenSteps {
		return nil, false
	}
	s := sr.Value
	if len(s.AllOf) > 0 {
		s = flatten(sr)
	}
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if e != nil {
				return e, true
			}
		}
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return g.choice(s, name, depth)
	}
	typ := schemaType(s)
	if typ != openapi3.TypeObject && typ != openapi3.TypeArray {
		for _, c := range []any{s.Example, s.Default} {
			if c != nil && s.VisitJSON(c, openapi3.VisitAsRequest()) == nil {
				return c, true
			}
		}
	}
	switch typ {
	case openapi3.TypeString:
		return stringValue(s, name), true
	case openapi3.TypeInteger:
		return int64(numberValue(s, true)), true
	case openapi3.TypeNumber:
		return numberValue(s, false), true
	case openapi3.TypeBoolean:
		return false, true
	case openapi3.TypeNull:
		return nil, true
	case openapi3.TypeArray:
		return g.array(s, name, depth)
	}
	return g.object(s, depth)
}

// object generates the required, writable properties of an object.
func (g *gen) object(s *openapi3.Schema, depth int) (any, bool) {
	m := map[string]any{}
	for _, name := range s.Required {
		p := s.Properties[name]
		if p != nil && p.Value != nil && p.Value.ReadOnly {
			continue
		}
		if p == nil {
			if ap := s.AdditionalProperties.Schema; ap != nil {
				p = ap
			}
		}
		v, ok := g.value(p, name, depth+1)
		if !ok {
			return nil, false
		}
		m[name] = v
	}
	if len(m) == 0 && depth > 0 && g.noEmpty {
		g.fillDeclared(s, m, depth)
	}
	if len(m) < int(s.MinProps) {
		g.fillDeclared(s, m, depth)
	}
	if want := membersWanted(s, depth); len(m) < want {
		g.fillMembers(s, m, want, depth)
	}
	return m, true
}

// maxMembers bounds the members added to reach minProperties or minItems.
const maxMembers = 8

// membersWanted is how many members an object must have to say anything:
// its minProperties, and at least one for a nested map-like object (only
// additionalProperties, or no properties at all). The generator only makes
// the objects a request needs, and an empty one is nothing in a form
// (payload[]= is not sent, so a required payload is missing: Stripe's
// billing meter events answer 400) and an empty map in JSON.
func membersWanted(s *openapi3.Schema, depth int) int {
	want := int(s.MinProps)
	if depth > 0 && len(s.Properties) == 0 && !(s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has) &&
		!ablate.Off(ablate.RequiredMembers) { // off: before part 5, sent empty
		want = max(want, 1)
	}
	return min(want, maxMembers)
}

// fillDeclared adds optional writable properties to m, one when m is empty
// and up to minProperties otherwise, each with a value that encodes to
// something and that its schema accepts.
func (g *gen) fillDeclared(s *openapi3.Schema, m map[string]any, depth int) {
	want := max(1, min(int(s.MinProps), maxMembers))
	for _, name := range sortedKeys(s.Properties) {
		if len(m) >= want {
			return
		}
		p := s.Properties[name]
		if _, set := m[name]; set || p == nil || p.Value == nil || p.Value.ReadOnly {
			continue
		}
		if v, ok := g.value(p, name, depth+1); ok && !emptyValue(v) && p.Value.VisitJSON(jsonValue(v), openapi3.VisitAsRequest()) == nil {
			m[name] = v
		}
	}
}

// fillMembers adds members named idemcheck, idemcheck2, … to m until it has
// want, each valued as additionalProperties says ("idemcheck" when it says
// nothing).
func (g *gen) fillMembers(s *openapi3.Schema, m map[string]any, want, depth int) {
	if ap := s.AdditionalProperties; ap.Has != nil && !*ap.Has {
		return
	}
	for i := 1; len(m) < want && i <= maxMembers; i++ {
		name := "idemcheck"
		if i > 1 {
			name = fmt.Sprintf("idemcheck%d", i)
		}
		if _, set := m[name]; set {
			continue
		}
		ap := s.AdditionalProperties.Schema
		if ap == nil {
			m[name] = "idemcheck"
			continue
		}
		v, ok := g.value(ap, name, depth+1)
		if !ok || emptyValue(v) || ap.Value != nil && ap.Value.VisitJSON(jsonValue(v), openapi3.VisitAsRequest()) != nil {
			return
		}
		m[name] = v
	}
}

// array generates minItems items (one when it has none, so that a form
// sends the field at all), distinct when uniqueItems says so.
func (g *gen) array(s *openapi3.Schema, name string, depth int) (any, bool) {
	n := max(1, min(int(s.MinItems), maxMembers))
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	out := make([]any, 0, n)
	for i := 0; i < n; i++ {
		v, ok := g.value(s.Items, singular(name), depth+1)
		if !ok {
			if s.MinItems == 0 {
				return []any{}, true
			}
			return nil, false
		}
		if i > 0 && s.UniqueItems {
			v, ok = distinctItem(s.Items, v, out, i)
			if !ok {
				if uint64(len(out)) >= s.MinItems {
					break
				}
				return nil, false
			}
		}
		out = append(out, v)
	}
	return out, true
}

// distinctItem makes the i-th item of a uniqueItems array differ from
// those before it: another enum value, or a scalar derived from v.
func distinctItem(items *openapi3.SchemaRef, v any, before []any, i int) (any, bool) {
	var cands []any
	var sc *openapi3.Schema
	if items != nil && items.Value != nil {
		sc = items.Value
		cands = append(cands, enumValues(sc)...)
	}
	switch t := v.(type) {
	case string:
		cands = append(cands, fmt.Sprintf("%s%d", t, i+1))
	case int64:
		cands = append(cands, t+int64(i))
	case float64:
		cands = append(cands, t+float64(i))
	case bool:
		cands = append(cands, !t)
	}
	for _, c := range cands {
		if c == nil || containsValue(before, c) {
			continue
		}
		if sc == nil || sc.VisitJSON(jsonValue(c), openapi3.VisitAsRequest()) == nil {
			return c, true
		}
	}
	return nil, false
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if fmt.Sprint(jsonValue(e)) == fmt.Sprint(jsonValue(v)) {
			return true
		}
	}
	return false
}

// emptyValue reports whether v encodes to nothing in a form: an empty
// object or list (or one holding only such).
func emptyValue(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if !emptyValue(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !emptyValue(e) {
				return false
			}
		}
		return true
	case nil:
		return true
	}
	return false
}

// choice picks the first oneOf/anyOf branch whose value the whole schema accepts.
func (g *gen) choice(s *openapi3.Schema, name string, depth int) (any, bool) {
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	var first any
	found := false
	for _, b := range branches {
		v, ok := g.value(b, name, depth+1)
		if !ok {
			continue
		}
		if d := s.Discriminator; d != nil {
			if m, isObj := v.(map[string]any); isObj {
				m[d.PropertyName] = discriminatorValue(d, b)
			}
		}
		if !found {
			first, found = v, true
		}
		if s.VisitJSON(v, openapi3.VisitAsRequest()) == nil {
			return v, true
		}
	}
	return first, found
}

// discriminatorValue is the mapping key that names branch b, or the last
// segment of its $ref as OpenAPI's implicit mapping does.
func discriminatorValue(d *openapi3.Discriminator, b *openapi3.SchemaRef) string {
	for k, ref := range d.Mapping {
		if ref.Ref != "" && ref.Ref == b.Ref {
			return k
		}
	}
	if i := strings.LastIndexByte(b.Ref, '/'); i >= 0 {
		return b.Ref[i+1:]
	}
	return b.Ref
}

// schemaType is the type to generate: the first non-null type, or one
// inferred from the keywords present.
func schemaType(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range *s.Type {
			if t != openapi3.TypeNull {
				return t
			}
		}
		if len(*s.Type) > 0 {
			return openapi3.TypeNull
		}
	}
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Schema != nil:
		return openapi3.TypeObject
	case s.Items != nil:
		return openapi3.TypeArray
	case s.Min != nil || s.Max != nil:
		return openapi3.TypeNumber
	}
	return openapi3.TypeString
}

// numberValue is 1 (or 1.5 for non-integers never; whole numbers read
// better), moved into [min, max] and onto multipleOf.
func numberValue(s *openapi3.Schema, integer bool) float64 {
	v := 1.0
	if s.Min != nil {
		v = math.Max(v, *s.Min)
		if s.ExclusiveMin.IsTrue() && v == *s.Min {
			v++
		}
	}
	if s.ExclusiveMin.Value != nil {
		v = math.Max(v, *s.ExclusiveMin.Value+1)
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
		if s.ExclusiveMax.IsTrue() {
			v--
		}
	}
	if s.ExclusiveMax.Value != nil && v >= *s.ExclusiveMax.Value {
		v = *s.ExclusiveMax.Value - 1
	}
	if m := s.MultipleOf; m != nil && *m > 0 {
		v = math.Ceil(v / *m) * *m
	}
	if integer {
		v = math.Ceil(v)
	}
	return v
}

// flatten merges allOf branches into one schema (properties and required
// lists united, the first type, bounds and format kept).
func flatten(sr *openapi3.SchemaRef) *openapi3.Schema {
	if sr == nil || sr.Value == nil {
		return &openapi3.Schema{}
	}
	return flattenDepth(sr.Value, 0)
}

func flattenDepth(s *openapi3.Schema, depth int) *openapi3.Schema {
	if len(s.AllOf) == 0 || depth > maxDepth {
		return s
	}
	out := *s
	out.AllOf = nil
	out.Properties = openapi3.Schemas{}
	for k, v := range s.Properties {
		out.Properties[k] = v
	}
	out.Required = append([]string(nil), s.Required...)
	for _, b := range s.AllOf {
		if b == nil || b.Value == nil {
			continue
		}
		bs := flattenDepth(b.Value, depth+1)
		for k, v := range bs.Properties {
			if _, ok := out.Properties[k]; !ok {
				out.Properties[k] = v
			}
		}
		for _, r := range bs.Required {
			if !contains(out.Required, r) {
				out.Required = append(out.Required, r)
			}
		}
		if out.Type == nil {
			out.Type = bs.Type
		}
		if out.Format == "" {
			out.Format = bs.Format
		}
		if len(out.Enum) == 0 {
			out.Enum = bs.Enum
		}
		if out.Items == nil {
			out.Items = bs.Items
		}
		if len(out.OneOf) == 0 {
			out.OneOf, out.Discriminator = bs.OneOf, bs.Discriminator
		}
		if len(out.AnyOf) == 0 {
			out.AnyOf = bs.AnyOf
		}
		if out.Pattern == "" {
			out.Pattern = bs.Pattern
		}
		if out.Min == nil {
			out.Min = bs.Min
		}
		if out.Max == nil {
			out.Max = bs.Max
		}
		if out.MinLength == 0 {
			out.MinLength = bs.MinLength
		}
		if out.MaxLength == nil {
			out.MaxLength = bs.MaxLength
		}
		if out.Example == nil {
			out.Example = bs.Example
		}
	}
	if len(out.Properties) == 0 {
		out.Properties = nil
	}
	return &out
}

func isPlainString(s *openapi3.Schema) bool {
	return schemaType(s) == openapi3.TypeString && len(s.Enum) == 0 && s.Pattern == "" && s.Format == "" &&
		len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) == 0
}

func singular(name string) string {
	return strings.TrimSuffix(name, "s")
}
