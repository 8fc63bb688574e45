package openapi

import (
	"sort"
	"strings"
)

// The planned reads (reads.go) need two things of a GET, which prune keeps
// and nothing more: its required parameters (whole, their $refs and
// schemas included: a read must send them as a write does), and the shape
// of its 2xx JSON response (listshape.go), reduced here to what classify
// reads and kept under shapeExt, so kin-openapi builds no response or
// schema of a GET at all, and the components only its responses used are
// still dropped.

// shapeExt is the extension under which prune keeps a GET's response
// shape: {"schema": <reduced schema>}, or {"none": "<why there is none>"}.
const shapeExt = "x-idemcheck-shape"

// readOperation is what prune keeps of a GET operation.
func readOperation(root, op map[string]any) map[string]any {
	out := map[string]any{}
	if id, ok := op["operationId"]; ok {
		out["operationId"] = id
	}
	if ps, ok := op["parameters"].([]any); ok {
		var kept []any
		for _, p := range ps {
			pm, ok := resolveInternal(root, p, 0).(map[string]any)
			if !ok {
				continue
			}
			if req, _ := pm["required"].(bool); req || pm["in"] == "path" {
				kept = append(kept, p) // as written: a $ref keeps its component
			}
		}
		if len(kept) > 0 {
			out["parameters"] = kept
		}
	}
	s, why := rawResponseSchema(root, op)
	if s == nil {
		out[shapeExt] = map[string]any{"none": why}
	} else {
		out[shapeExt] = map[string]any{"schema": shapeSchema(root, s, 0)}
	}
	return out
}

// rawResponseSchema is responseSchema (listshape.go) on the parsed tree.
func rawResponseSchema(root, op map[string]any) (any, string) {
	rs, ok := resolveInternal(root, op["responses"], 0).(map[string]any)
	if !ok {
		return nil, "the GET declares no responses"
	}
	codes := make([]string, 0, len(rs))
	for code := range rs {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool { return strings.ToUpper(codes[i]) < strings.ToUpper(codes[j]) })
	sawBody := false
	for _, code := range codes {
		if code == "" || code[0] != '2' {
			continue
		}
		r, ok := resolveInternal(root, rs[code], 0).(map[string]any)
		if !ok {
			continue
		}
		content, _ := r["content"].(map[string]any)
		for _, ct := range sortedKeys(content) {
			sawBody = true
			mt, _ := content[ct].(map[string]any)
			if s, ok := mt["schema"]; ok && s != nil && jsonMedia(ct) {
				return s, ""
			}
		}
	}
	if sawBody {
		return nil, noJSONSchema
	}
	return nil, noBody
}

// shapeSchema reduces a schema of the parsed tree to the shape classify
// reads: {"oneOf"/"anyOf": [shapes]}, {"type": "array"}, or {"type":
// "object", "properties": {name: {"type": "array", "items": {"type":
// "object"}} for an array of objects, {"enum": [...]} for "object", {}
// for any other}.
func shapeSchema(root map[string]any, s any, depth int) map[string]any {
	m, ok := resolveInternal(root, s, 0).(map[string]any)
	if !ok || depth > maxShapeDepth {
		return map[string]any{}
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := m[k].([]any); ok && len(alts) > 0 && m["properties"] == nil && m["items"] == nil {
			out := make([]any, 0, len(alts))
			for _, a := range alts {
				out = append(out, shapeSchema(root, a, depth+1))
			}
			return map[string]any{k: out}
		}
	}
	if rawIsArray(m) {
		return map[string]any{"type": "array", "items": rawItemShape(root, m["items"])}
	}
	props := map[string]any{}
	schemaProps(root, m, props, 0) // allOf members included
	if len(props) == 0 {
		if rawHasType(m, "object") {
			return map[string]any{"type": "object"}
		}
		return map[string]any{}
	}
	reduced := make(map[string]any, len(props))
	for name, p := range props {
		pm, _ := resolveInternal(root, p, 0).(map[string]any)
		switch {
		case pm == nil:
			reduced[name] = map[string]any{}
		case rawIsArray(pm):
			reduced[name] = map[string]any{"type": "array", "items": rawItemShape(root, pm["items"])}
		case name == "object" && pm["enum"] != nil:
			reduced[name] = map[string]any{"enum": pm["enum"]}
		default:
			reduced[name] = map[string]any{}
		}
	}
	return map[string]any{"type": "object", "properties": reduced}
}

// rawIsArray reports whether a schema of the tree is an array.
func rawIsArray(m map[string]any) bool {
	_, items := m["items"]
	return items || rawHasType(m, "array")
}

// rawHasType reports whether a schema of the tree has type t (alone or
// in a 3.1 type list).
func rawHasType(m map[string]any, t string) bool {
	switch v := m["type"].(type) {
	case string:
		return v == t
	case []any:
		for _, e := range v {
			if e == t {
				return true
			}
		}
	}
	return false
}

// rawItemShape reduces an array's items to whether they are objects.
func rawItemShape(root map[string]any, items any) map[string]any {
	m, ok := resolveInternal(root, items, 0).(map[string]any)
	if !ok {
		return map[string]any{}
	}
	_, props := m["properties"]
	if props || rawHasType(m, "object") || len(asSlice(m["oneOf"]))+len(asSlice(m["anyOf"]))+len(asSlice(m["allOf"])) > 0 {
		return map[string]any{"type": "object"}
	}
	return map[string]any{}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// schemaProps adds to props the properties of schema s, its allOf members'
// included, following internal $refs.
func schemaProps(root map[string]any, s any, props map[string]any, depth int) {
	if depth > maxNesting {
		return
	}
	m, ok := resolveInternal(root, s, 0).(map[string]any)
	if !ok {
		return
	}
	if ps, ok := m["properties"].(map[string]any); ok {
		for k, v := range ps {
			if _, seen := props[k]; !seen {
				props[k] = v
			}
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		for _, member := range all {
			schemaProps(root, member, props, depth+1)
		}
	}
}
