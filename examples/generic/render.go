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
	seed   uint64
	id     string            // the resource's own id; "" for none
	naming *naming           // what tells where the id goes (idfield.go)
	params map[string]string // the request's path parameters
	fields map[string]any    // what to echo

	paramsByNorm map[string]string // params by normName, made once
	echo         map[string]any    // echoSource(fields), made once
}

func (s *Server) render(ref *openapi3.SchemaRef, rc *renderCtx) any {
	g := newGenerator(rc.seed, s.valid)
	g.unsatisfiable = s.unsatisfiable
	v := g.value(ref, 0)
	if ref != nil && ref.Value != nil {
		s.overlay(v, ref.Value, rc)
	}
	return v
}

// overlay lays rc over v (an object of schema sch): the resource's id
// where idPlace says, one envelope down when the response wraps the
// resource ({"droplet": {...}}), the path's parameters and the echoed
// fields at each level it visits.
func (s *Server) overlay(v any, sch *openapi3.Schema, rc *renderCtx) {
	var place []string
	if rc.id != "" {
		place = s.idPlaceOf(sch, rc.naming, rc.params)
	}
	s.overlayAt(v, sch, rc, place, "")
}

// overlayAt lays rc over v with the id at place (relative to v); env is
// the envelope v is in ("" at the top level): a parameter fills a
// property of its name, or one that its name is the envelope's and the
// property's (the agent's uuid of {"agent": {"uuid"}} is {agent_uuid}).
func (s *Server) overlayAt(v any, sch *openapi3.Schema, rc *renderCtx, place []string, env string) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	props := properties(sch)
	taken := map[string]bool{}
	if len(place) == 1 {
		if val, ok := fitID(rc.id, props[place[0]]); ok {
			m[place[0]], taken[place[0]] = val, true
		}
	}
	names := sortedKeys(props)
	if rc.paramsByNorm == nil {
		rc.paramsByNorm = make(map[string]string, len(rc.params))
		for _, k := range sortedKeys(rc.params) {
			rc.paramsByNorm[normName(k)] = rc.params[k]
		}
		rc.echo = echoSource(rc.fields)
	}
	for _, name := range names {
		if taken[name] {
			continue
		}
		pval, ok := rc.paramsByNorm[normName(name)]
		if !ok && env != "" {
			pval, ok = rc.paramsByNorm[normName(env+name)]
		}
		if ok {
			if val, ok := fitID(pval, props[name]); ok {
				m[name], taken[name] = val, true
			}
		}
	}
	src := rc.echo
	for _, name := range names {
		if taken[name] || props[name] == nil || props[name].Value == nil || props[name].Value.WriteOnly {
			continue
		}
		if val, ok := src[normName(name)]; ok && s.valid.value(props[name].Value, val) == nil {
			m[name] = deepCopy(val) // never the stored value itself: the overlay below writes into it
		}
	}
	if len(place) == 1 || env != "" {
		return
	}
	// the envelopes, in order, up to the one that holds the id (all of
	// them when none does)
	for _, name := range names {
		sub, ok := m[name].(map[string]any)
		if !ok || props[name] == nil || props[name].Value == nil || taken[name] {
			continue
		}
		var at []string
		if len(place) == 2 && place[0] == name {
			at = place[1:]
		}
		s.overlayAt(sub, props[name].Value, rc, at, name)
		if at != nil {
			return
		}
	}
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
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == '.':
		case 'A' <= r && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
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
