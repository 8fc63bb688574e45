package generic

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// A response is generated from its schema (gen.go), then the server's
// state is laid over it the way a real API renders a resource: its id in
// the property a client reads it from, the path's parameters in the
// properties that name them (a Twilio call's account_sid), and the request's
// fields where the response has a property of the same name (Twilio's
// FriendlyName comes back as friendly_name).

// renderCtx is what a rendering lays over the generated value.
type renderCtx struct {
	seed    uint64
	id      string            // the resource's own id; "" for none
	idNames []string          // the path parameters naming it ({customer}, {Sid})
	params  map[string]string // the request's path parameters
	fields  map[string]any    // what to echo
}

func (s *Server) render(ref *openapi3.SchemaRef, rc *renderCtx) any {
	g := newGenerator(rc.seed, s.valid)
	g.unsatisfiable = s.unsatisfiable
	v := g.value(ref, 0)
	if ref != nil && ref.Value != nil {
		s.overlay(v, ref.Value, rc, 0)
	}
	return v
}

// overlay lays rc over v (an object of schema sch); it reports whether the
// resource's id found a property. An envelope ({"droplet": {...}}) gets it
// one level down.
func (s *Server) overlay(v any, sch *openapi3.Schema, rc *renderCtx, depth int) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	props := properties(sch)
	taken := map[string]bool{}
	placed := false
	if rc.id != "" {
		if p := idProperty(props, rc.idNames); p != "" {
			if val, ok := fitID(rc.id, props[p]); ok {
				m[p], taken[p], placed = val, true, true
			}
		}
	}
	names := sortedKeys(props)
	for _, name := range names {
		if taken[name] {
			continue
		}
		for pname, pval := range rc.params {
			if normName(pname) == normName(name) {
				if val, ok := fitID(pval, props[name]); ok {
					m[name], taken[name] = val, true
				}
			}
		}
	}
	src := echoSource(rc.fields)
	for _, name := range names {
		if taken[name] || props[name] == nil || props[name].Value == nil || props[name].Value.WriteOnly {
			continue
		}
		if val, ok := src[normName(name)]; ok && s.valid.value(props[name].Value, val) == nil {
			m[name] = deepCopy(val) // never the stored value itself: the overlay below writes into it
		}
	}
	if placed || depth > 0 {
		return placed
	}
	for _, name := range names {
		sub, ok := m[name].(map[string]any)
		if !ok || props[name] == nil || props[name].Value == nil || taken[name] {
			continue
		}
		if s.overlay(sub, props[name].Value, rc, depth+1) {
			return true
		}
	}
	return false
}

// echoSource indexes fields by normalized name; members of object-valued
// fields come after the fields themselves (Square's {"customer": {...}}).
func echoSource(fields map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range fields {
		out[normName(k)] = v
	}
	for _, k := range sortedKeys(fields) {
		if sub, ok := fields[k].(map[string]any); ok {
			for sk, sv := range sub {
				if _, seen := out[normName(sk)]; !seen {
					out[normName(sk)] = sv
				}
			}
		}
	}
	return out
}

// idProperty is the response property that carries a resource named by
// the path parameters names: the parameter's own name (Twilio's {Sid} is
// sid, Cashfree's {customer_id} customer_id), else its last words
// (Adyen's {paymentPspReference} is pspReference, {droplet_id} is id),
// else id.
func idProperty(props openapi3.Schemas, names []string) string {
	byNorm := map[string]string{}
	for _, p := range sortedKeys(props) {
		if props[p] != nil && props[p].Value != nil && scalar(props[p].Value) {
			byNorm[normName(p)] = p
		}
	}
	for _, n := range names {
		if p, ok := byNorm[normName(n)]; ok {
			return p
		}
	}
	for _, n := range names {
		w := words(n)
		for i := 1; i < len(w); i++ {
			if p, ok := byNorm[strings.Join(w[i:], "")]; ok {
				return p
			}
		}
	}
	if p, ok := byNorm["id"]; ok {
		return p
	}
	return ""
}

func scalar(s *openapi3.Schema) bool {
	t := typeOf(s)
	return t == "string" || t == "integer" || t == "number"
}

// fitID converts an id to the property's type: a number for an integer
// property, else the string; ok is false when it cannot be.
func fitID(id string, ref *openapi3.SchemaRef) (any, bool) {
	if ref == nil || ref.Value == nil {
		return id, true
	}
	switch typeOf(ref.Value) {
	case "integer", "number":
		f, err := strconv.ParseFloat(id, 64)
		return f, err == nil
	case "string":
		return id, true
	}
	return nil, false
}

// normName folds a name for matching: FriendlyName, friendly_name and
// friendly-name are one.
func normName(s string) string {
	return strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(s))
}

// words splits camelCase, snake_case and kebab-case into lower-case words.
func words(s string) []string {
	var out []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(cur[len(cur)-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// listShape finds where a list response puts its items: the response
// itself (a top-level array) or one array property of an envelope. prop is
// "" for a top-level array; ok is false when the response is no list.
func listShape(sch *openapi3.Schema, collection string) (prop string, items *openapi3.SchemaRef, ok bool) {
	if sch == nil {
		return "", nil, false
	}
	if typeOf(sch) == "array" && len(sch.AllOf)+len(sch.OneOf)+len(sch.AnyOf) == 0 {
		return "", sch.Items, true
	}
	props := properties(sch)
	var arrays []string
	for _, n := range sortedKeys(props) {
		p := props[n]
		if p != nil && p.Value != nil && typeOf(p.Value) == "array" && len(p.Value.AllOf)+len(p.Value.OneOf)+len(p.Value.AnyOf) == 0 {
			arrays = append(arrays, n)
		}
	}
	pick := func(n string) (string, *openapi3.SchemaRef, bool) { return n, props[n].Value.Items, true }
	for _, preferred := range []string{"data", "items", "entries", "results", "records", "list", "values", "objects", "elements", "collection"} {
		for _, n := range arrays {
			if normName(n) == preferred {
				return pick(n)
			}
		}
	}
	for _, n := range arrays {
		if normName(n) == normName(collection) {
			return pick(n)
		}
	}
	switch len(arrays) {
	case 0:
		return "", nil, false
	case 1:
		return pick(arrays[0])
	}
	for _, n := range arrays {
		if it := props[n].Value.Items; it != nil && it.Value != nil && typeOf(it.Value) == "object" {
			return pick(n)
		}
	}
	return pick(arrays[0])
}

// countNames are envelope properties that say how many items there are.
var countNames = map[string]bool{"count": true, "total": true, "totalcount": true, "size": true, "totalsize": true, "totalitems": true, "totalresults": true}

// moreNames are envelope booleans that say whether another page follows.
var moreNames = map[string]bool{"hasmore": true, "more": true, "hasnext": true, "hasnextpage": true}

// idSchema is the schema of the property a response of sch carries the
// resource's id in (as overlay finds it), or nil.
func idSchema(sch *openapi3.Schema, names []string) *openapi3.Schema {
	if sch == nil {
		return nil
	}
	props := properties(sch)
	if p := idProperty(props, names); p != "" {
		return props[p].Value
	}
	for _, name := range sortedKeys(props) {
		if p := props[name]; p != nil && p.Value != nil && typeOf(p.Value) == "object" {
			sub := properties(p.Value)
			if q := idProperty(sub, names); q != "" {
				return sub[q].Value
			}
		}
	}
	return nil
}
