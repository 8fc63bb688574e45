package generic

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// The generator makes a value valid for a schema, deterministically from a
// seed: the same resource renders the same every time it is read. It is
// not exhaustive: it is good enough for what real documents declare, and
// the tests check what it makes against the schema (Options.CheckResponses).

// Depths beyond which the generator writes less: optional properties stop
// at optionalDepth (and where a schema recurses into itself), everything
// but the minimum stops at maxDepth.
const (
	optionalDepth = 3
	maxDepth      = 10
)

type generator struct {
	rng   *rand.Rand
	valid *validator
	// active counts the schemas being generated, to see recursion.
	active map[*openapi3.Schema]int
	// unsatisfiable is told of a oneOf none of whose alternatives makes a
	// value that matches it alone (Cashfree's payment_method: every object
	// matches its card alternative): the document's defect.
	unsatisfiable func(*openapi3.Schema)
}

func newGenerator(seed uint64, v *validator) *generator {
	return &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), valid: v, active: map[*openapi3.Schema]int{}}
}

func (g *generator) value(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil {
		return g.word("value")
	}
	s := ref.Value
	if s.Always != nil {
		return map[string]any{}
	}
	g.active[s]++
	defer func() { g.active[s]-- }()
	recursing := g.active[s] > 1
	switch {
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		return g.enum(s)
	case len(s.AllOf) > 0:
		return g.allOf(s, depth)
	case len(s.OneOf) > 0:
		return g.choice(s, s.OneOf, depth, true)
	case len(s.AnyOf) > 0:
		return g.choice(s, s.AnyOf, depth, false)
	}
	if (depth > maxDepth || recursing && depth > optionalDepth) && nullable(s) {
		return nil
	}
	switch typeOf(s) {
	case "object":
		return g.object(s, depth, recursing, nil)
	case "array":
		return g.array(s, depth)
	case "integer":
		return g.number(s, true)
	case "number":
		return g.number(s, false)
	case "boolean":
		return g.rng.IntN(2) == 0
	case "null":
		return nil
	}
	return g.str(s, "")
}

func (g *generator) enum(s *openapi3.Schema) any {
	var vals []any
	for _, e := range s.Enum {
		if e != nil {
			vals = append(vals, e)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	return vals[g.rng.IntN(len(vals))]
}

// typeOf is the type to generate: the first declared non-null type, else
// what the keywords suggest.
func typeOf(s *openapi3.Schema) string { return typeOfDepth(s, 0) }

func typeOfDepth(s *openapi3.Schema, depth int) string {
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
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, p := range group {
			if p != nil && p.Value != nil && depth < 8 {
				if t := typeOfDepth(p.Value, depth+1); t != "null" {
					return t
				}
			}
		}
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Min != nil || s.Max != nil:
		return "number"
	}
	return "string"
}

func nullable(s *openapi3.Schema) bool {
	return s.Nullable || s.Type != nil && s.Type.Includes(openapi3.TypeNull)
}

// allOf merges what each part makes: objects member by member, anything
// else the first part's value.
func (g *generator) allOf(s *openapi3.Schema, depth int) any {
	var merged map[string]any
	var first any
	parts := append(openapi3.SchemaRefs{}, s.AllOf...)
	var own *openapi3.Schema
	if len(s.Properties) > 0 || s.Type != nil || len(s.Required) > 0 {
		c := *s
		c.AllOf = nil
		own = &c
		parts = append(parts, &openapi3.SchemaRef{Value: own})
	}
	var candidates map[string][]any // member → what each part made for it
	for i, p := range parts {
		var v any
		if p.Value == own && typeOf(own) == "object" {
			// its required names may be declared by the other parts (Box's
			// permissions): generated from their declarations
			v = g.object(own, depth, g.active[s] > 1, properties(s))
		} else {
			v = g.value(p, depth)
		}
		if i == 0 {
			first = v
		}
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if merged == nil {
			merged, candidates = map[string]any{}, map[string][]any{}
		}
		for k, e := range m {
			candidates[k] = append(candidates[k], e)
		}
	}
	if merged == nil {
		return first
	}
	// A member several parts declare takes a value every one of them
	// accepts (PayPal's 400 is allOf an error whose details are free and
	// one whose details are an enum): the first that does.
	for k, cs := range candidates {
		merged[k] = cs[0]
		if len(cs) == 1 || g.valid == nil {
			continue
		}
		for _, c := range cs {
			if g.acceptedByAll(parts, k, c) {
				merged[k] = c
				break
			}
		}
	}
	return merged
}

// acceptedByAll reports whether every part that declares member k accepts v.
func (g *generator) acceptedByAll(parts openapi3.SchemaRefs, k string, v any) bool {
	for _, p := range parts {
		if p == nil || p.Value == nil {
			continue
		}
		if q := properties(p.Value)[k]; q != nil && q.Value != nil && g.valid.value(q.Value, v) != nil {
			return false
		}
	}
	return true
}

// choice makes a value of one of the alternatives that the whole schema
// accepts (for oneOf: exactly one alternative matches). Deep in a
// recursion it prefers alternatives that are not objects (Stripe's
// expandable fields: an id string or the object).
func (g *generator) choice(s *openapi3.Schema, alts openapi3.SchemaRefs, depth int, exclusive bool) any {
	order := make([]int, len(alts))
	for i := range order {
		order[i] = i
	}
	if depth > optionalDepth {
		sort.SliceStable(order, func(i, j int) bool {
			return cost(alts[order[i]]) < cost(alts[order[j]])
		})
	}
	var fallback any
	for n, i := range order {
		v := g.value(alts[i], depth)
		if m, ok := v.(map[string]any); ok && s.Discriminator != nil {
			if name := discriminatorValue(s.Discriminator, alts[i]); name != "" {
				m[s.Discriminator.PropertyName] = name
			}
		}
		if m, ok := v.(map[string]any); ok && len(s.Properties) > 0 {
			own := *s
			own.OneOf, own.AnyOf = nil, nil
			if o, ok := g.value(&openapi3.SchemaRef{Value: &own}, depth).(map[string]any); ok {
				for k, e := range o {
					if _, seen := m[k]; !seen {
						m[k] = e
					}
				}
			}
		}
		if n == 0 {
			fallback = v
		}
		if !exclusive && depth > optionalDepth {
			return v // checking every level of a deep anyOf costs more than it finds
		}
		if g.valid == nil || g.valid.value(s, v) == nil {
			return v
		}
	}
	if exclusive && g.unsatisfiable != nil {
		g.unsatisfiable(s)
	}
	return fallback
}

// cost ranks alternatives: scalars before arrays before objects.
func cost(ref *openapi3.SchemaRef) int {
	if ref == nil || ref.Value == nil {
		return 0
	}
	switch typeOf(ref.Value) {
	case "object":
		return 3
	case "array":
		return 2
	case "null":
		return 1
	}
	if len(ref.Value.AllOf)+len(ref.Value.OneOf)+len(ref.Value.AnyOf) > 0 {
		return 3
	}
	return 0
}

// discriminatorValue is the discriminator value that selects alt: its key
// in the mapping, else the name of the schema it refers to.
func discriminatorValue(d *openapi3.Discriminator, alt *openapi3.SchemaRef) string {
	for k, v := range d.Mapping {
		if v.Ref == alt.Ref || strings.HasSuffix(alt.Ref, v.Ref) && v.Ref != "" {
			return k
		}
	}
	if i := strings.LastIndex(alt.Ref, "/"); i >= 0 {
		return alt.Ref[i+1:]
	}
	return ""
}

// object makes an object of s; a required name s does not declare is made
// from declared (the properties of the schema s is part of), else from
// additionalProperties.
func (g *generator) object(s *openapi3.Schema, depth int, recursing bool, declared openapi3.Schemas) map[string]any {
	m := map[string]any{}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	optional := depth < optionalDepth && !recursing
	for _, name := range names {
		p := s.Properties[name]
		if p != nil && p.Value != nil && p.Value.WriteOnly {
			continue // never in a response
		}
		if !required[name] && !optional {
			continue
		}
		m[name] = g.value(p, depth+1)
	}
	// required names no property declares
	for _, r := range s.Required {
		if _, ok := m[r]; ok {
			continue
		}
		if p := declared[r]; p != nil {
			m[r] = g.value(p, depth+1)
		} else {
			m[r] = g.value(s.AdditionalProperties.Schema, depth+1)
		}
	}
	for n := 0; uint64(len(m)) < s.MinProps && n < 100; n++ {
		m[fmt.Sprintf("key%d", n)] = g.value(s.AdditionalProperties.Schema, depth+1)
	}
	return m
}

func (g *generator) array(s *openapi3.Schema, depth int) []any {
	n := int(s.MinItems)
	if n == 0 && depth < optionalDepth {
		n = 1
	}
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for tries := 0; len(out) < n && tries < 10*n+10; tries++ {
		v := g.value(s.Items, depth+1)
		if s.UniqueItems {
			k := fmt.Sprintf("%#v", v)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, v)
	}
	return out
}

func (g *generator) number(s *openapi3.Schema, integer bool) any {
	lo, hi := 1.0, 1000.0
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.IsTrue() {
			lo += 1
		}
	}
	if v := s.ExclusiveMin.Value; v != nil {
		lo = max(lo, *v+1)
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.IsTrue() {
			hi -= 1
		}
	}
	if v := s.ExclusiveMax.Value; v != nil {
		hi = min(hi, *v-1)
	}
	if s.Min != nil && s.Max == nil {
		hi = lo + 1000
	}
	if s.Max != nil && s.Min == nil {
		lo = min(hi, max(hi-1000, 1))
		if hi < 1 {
			lo = hi - 1000
		}
	}
	if hi < lo {
		hi = lo
	}
	v := lo + math.Floor(g.rng.Float64()*(hi-lo+1))
	if v > hi {
		v = hi
	}
	if integer {
		v = math.Ceil(v)
		if v > hi {
			v = math.Floor(hi)
		}
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		m := *s.MultipleOf
		v = math.Ceil(lo/m) * m
		if integer && v != math.Trunc(v) {
			v = math.Ceil(v)
		}
	}
	if s.Format == "int32" && (v > math.MaxInt32 || v < math.MinInt32) {
		v = 1
	}
	return v
}

// epoch is the first timestamp generated values use: fixed, so that a
// resource renders the same on every read.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// str makes a string for s; hint names what it is for (a property name).
func (g *generator) str(s *openapi3.Schema, hint string) string {
	minLen := int(s.MinLength)
	maxLen := -1
	if s.MaxLength != nil {
		maxLen = int(*s.MaxLength)
	}
	if s.Pattern != "" {
		if v, ok := patternString(s.Pattern, g.rng, minLen, maxLen); ok {
			return v
		}
	}
	var v string
	switch strings.ToLower(s.Format) {
	case "date-time":
		v = epoch.Add(time.Duration(g.rng.IntN(1e7)) * time.Second).Format(time.RFC3339)
	case "date":
		v = epoch.Add(time.Duration(g.rng.IntN(1000)) * 24 * time.Hour).Format(time.DateOnly)
	case "time":
		v = "12:00:00"
	case "uuid":
		v = g.uuid()
	case "email", "idn-email":
		v = fmt.Sprintf("user-%06x@example.com", g.rng.IntN(1<<24))
	case "uri", "url", "uri-reference", "iri":
		v = "https://example.com/" + g.word("r")
	case "hostname", "idn-hostname":
		v = fmt.Sprintf("host-%06x.example.com", g.rng.IntN(1<<24))
	case "ipv4":
		v = fmt.Sprintf("192.0.2.%d", 1+g.rng.IntN(250))
	case "ipv6":
		v = fmt.Sprintf("2001:db8::%x", 1+g.rng.IntN(0xfff))
	case "byte":
		v = base64.StdEncoding.EncodeToString([]byte(g.word("b")))
	case "int64", "int32", "integer", "decimal", "number", "double", "float":
		v = fmt.Sprint(1 + g.rng.IntN(1000))
	default:
		v = g.word("v")
	}
	return fitLength(v, minLen, maxLen)
}

func fitLength(v string, minLen, maxLen int) string {
	for len([]rune(v)) < minLen {
		v += "x"
	}
	if maxLen >= 0 && len([]rune(v)) > maxLen {
		v = string([]rune(v)[:maxLen])
	}
	return v
}

func (g *generator) word(prefix string) string {
	return fmt.Sprintf("%s_%06x", prefix, g.rng.IntN(1<<24))
}

func (g *generator) uuid() string {
	a, b := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, 0x8000|b>>48&0x3fff, b&0xffffffffffff)
}
