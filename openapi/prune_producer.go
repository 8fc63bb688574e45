package openapi

import (
	"net/url"
	"strings"
)

// The chain planner (chainplan.go) reads three things from the 2xx
// responses of a POST or PUT, the operations that create parents: their
// OpenAPI links, whether they declare a Location header, and which field of
// their body names the created resource (idpointer.go: the properties and
// their types, at the top and in envelopes such as {"droplet": {"id": …}},
// readOnly and required, and a scalar's example, which says which field
// holds the value a path parameter's example shows; and whether a pointer
// the plan reads is there at all). prune keeps exactly that of them: the
// links, the Location header, and each schema reduced to keptSchemaDepth
// levels of properties and items, each with its type, readOnly, required
// and a short scalar example, nothing else.

// keptSchemaDepth is how many levels of a producer's response schema prune
// keeps: the body, its properties, and theirs (an envelope's: {"droplet":
// {"id"}}, or an item's: /data/0/id), the last as leaves with their type.
// A level cut short is an object or array without properties or items, so
// a pointer into it is neither confirmed nor denied, as in a free-form
// one; a oneOf or anyOf below the top is marked (prunedExt). Deeper levels
// cost load time (issue 20): Stripe's expandable fields nest its whole
// object graph.
const keptSchemaDepth = 3

// maxKeptExample bounds the examples prune keeps: an id, not a document.
const maxKeptExample = 200

// prunedExt marks a schema whose oneOf or anyOf prune dropped.
const prunedExt = "x-idemcheck-pruned"

// producerResponse returns what prune keeps of a 2xx response of a POST or
// PUT: a copy (a $ref'd response is resolved, never changed in place) with
// its links and, per media type, the reduced schema and the example names.
func producerResponse(root map[string]any, v any) any {
	r, ok := resolveInternal(root, v, 0).(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for _, k := range []string{"description", "links"} {
		if x, ok := r[k]; ok {
			out[k] = x
		}
	}
	if hs, ok := r["headers"].(map[string]any); ok {
		for name := range hs {
			if strings.EqualFold(name, "Location") {
				out["headers"] = map[string]any{name: map[string]any{"schema": map[string]any{"type": "string"}}}
			}
		}
	}
	content, ok := r["content"].(map[string]any)
	if !ok {
		return out
	}
	kept := map[string]any{}
	for name, mv := range content {
		mt, ok := mv.(map[string]any)
		if !ok {
			continue
		}
		m := map[string]any{}
		if s, ok := mt["schema"]; ok {
			m["schema"] = reduceSchema(root, s, keptSchemaDepth)
		}
		if exs, ok := mt["examples"].(map[string]any); ok {
			names := make(map[string]any, len(exs))
			for n := range exs {
				names[n] = map[string]any{}
			}
			m["examples"] = names
		}
		kept[name] = m
	}
	out["content"] = kept
	return out
}

// reduceSchema keeps of schema s its type and readOnly and, depth levels
// deep, its properties (those of its allOf, oneOf and anyOf members
// merged at the top; of allOf only below, where a oneOf or anyOf is an
// expandable field, string or object, not an envelope), the names of the
// required ones, and its array items. A level cut short is marked.
func reduceSchema(root map[string]any, s any, depth int) map[string]any {
	r := rawSchema{shallow: depth <= 1}
	r.merge(root, s, 0, depth < keptSchemaDepth)
	out := map[string]any{}
	if r.typ != nil && !(r.shallow && isScalarType(r.typ)) {
		out["type"] = r.typ // a scalar leaf goes without: untyped reads as a scalar (idpointer.go)
	}
	if r.readOnly {
		out["readOnly"] = true
	}
	if r.open {
		out["additionalProperties"] = true
	}
	if !r.hasProps && r.items == nil && !r.alternatives {
		if r.example != nil {
			out["example"] = r.example
		}
		return out
	}
	switch {
	case r.alternatives: // oneOf or anyOf below the top: neither confirmed nor denied
		out[prunedExt] = true
		return out
	case depth <= 1: // typed, without properties or items: open, as free-form is
		if r.typ == nil && r.hasProps {
			out["type"] = "object"
		} else if r.typ == nil {
			out["type"] = "array"
		}
		return out
	}
	if len(r.props) > 0 {
		props := make(map[string]any, len(r.props))
		var req []any
		inner := depth - 1
		if depth == keptSchemaDepth && namesItself(root, r.props) {
			inner = 1 // no envelope to look into (idpointer.go): leaves
		}
		for _, name := range sortedKeys(r.props) {
			props[name] = reduceSchema(root, r.props[name], inner)
			if r.required[name] {
				req = append(req, name)
			}
		}
		out["properties"] = props
		if len(req) > 0 {
			out["required"] = req
		}
	}
	if r.items != nil {
		out["items"] = reduceSchema(root, r.items, depth-1)
	}
	return out
}

// namesItself reports whether a body with properties props has a scalar
// id of its own ("id", "uuid", "sid"): then the objects in it are not
// envelopes of what was created (idpointer.go).
func namesItself(root map[string]any, props map[string]any) bool {
	for name, p := range props {
		if w := idWords(name); len(w) != 1 || idWordStrength(w[0]) != 2 {
			continue
		}
		var r rawSchema
		r.merge(root, p, 0, true)
		switch r.typ {
		case "string", "integer", "number":
			return true
		}
	}
	return false
}

// isScalarType reports whether a raw "type" names a string, a number or a
// boolean (or a 3.1 list of those and null).
func isScalarType(t any) bool {
	switch v := t.(type) {
	case string:
		return v == "string" || v == "integer" || v == "number" || v == "boolean"
	case []any:
		for _, e := range v {
			if s, _ := e.(string); s != "null" && !isScalarType(e) {
				return false
			}
		}
		return len(v) > 0
	}
	return false
}

// rawSchema is what reduceSchema reads of a schema and its members.
type rawSchema struct {
	typ      any // the first "type" met: a name, or a 3.1 list of names
	example  any // the first short string or number "example" met
	readOnly bool
	open     bool // additionalProperties allowed (true or a schema)
	hasProps bool
	props    map[string]any // nil when shallow
	required map[string]bool
	items    any
	// alternatives is set when a oneOf or anyOf was met and not merged.
	alternatives bool
	// shallow skips collecting properties and required names: a leaf
	// only says whether it has any.
	shallow bool
}

// merge adds what schema s says, following internal $refs and its allOf
// members, and its oneOf and anyOf members unless allOfOnly.
func (r *rawSchema) merge(root map[string]any, s any, depth int, allOfOnly bool) {
	if depth > maxDepth {
		return
	}
	m, ok := resolveInternal(root, s, 0).(map[string]any)
	if !ok {
		return
	}
	if t, ok := m["type"]; ok && r.typ == nil {
		r.typ = t
	}
	if ro, _ := m["readOnly"].(bool); ro {
		r.readOnly = true
	}
	if r.example == nil {
		switch ex := m["example"].(type) {
		case string:
			if len(ex) <= maxKeptExample {
				r.example = ex
			}
		case float64, int, int64, uint64:
			r.example = ex
		}
	}
	switch ap := m["additionalProperties"].(type) {
	case bool:
		r.open = r.open || ap
	case map[string]any:
		r.open = true
	}
	if ps, ok := m["properties"].(map[string]any); ok && len(ps) > 0 {
		r.hasProps = true
	}
	if ps, ok := m["properties"].(map[string]any); ok && !r.shallow {
		if r.props == nil {
			r.props = map[string]any{}
		}
		for k, v := range ps {
			if _, seen := r.props[k]; !seen {
				r.props[k] = v
			}
		}
	}
	if req, ok := m["required"].([]any); ok && !r.shallow {
		if r.required == nil {
			r.required = map[string]bool{}
		}
		for _, n := range req {
			if name, ok := n.(string); ok {
				r.required[name] = true
			}
		}
	}
	if it, ok := m["items"]; ok && r.items == nil {
		r.items = it
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		members, ok := m[k].([]any)
		if !ok {
			continue
		}
		if k != "allOf" && allOfOnly {
			r.alternatives = true
			continue
		}
		for _, member := range members {
			r.merge(root, member, depth+1, allOfOnly)
		}
	}
}

// resolveInternal follows v's internal $ref ("#/components/…"), and the
// refs of what it finds, to a value; v itself when it has none or the ref
// leads nowhere.
func resolveInternal(root map[string]any, v any, depth int) any {
	m, ok := v.(map[string]any)
	if !ok || depth > maxNesting {
		return v
	}
	ref, ok := m["$ref"].(string)
	if !ok || !strings.HasPrefix(ref, "#/") {
		return v
	}
	var cur any = root
	for _, part := range strings.Split(ref[2:], "/") {
		if u, err := url.PathUnescape(part); err == nil {
			part = u
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		next, ok := cur.(map[string]any)
		if !ok {
			return v
		}
		cur = next[part]
	}
	if cur == nil {
		return v
	}
	return resolveInternal(root, cur, depth+1)
}
