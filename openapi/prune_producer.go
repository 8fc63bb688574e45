package openapi

import (
	"net/url"
	"strings"
)

// The chain planner (chainplan.go) reads two things from the 2xx responses
// of a POST or PUT, the operations that create parents: their OpenAPI
// links, and which field names the created resource (idPointer: a property
// "id" or named after the parameter, or an envelope {"droplet": {"id": …}}).
// prune keeps exactly that of them: the links, and each schema reduced to
// its property names and, per property, whether it holds an "id".

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
			m["schema"] = idSchema(root, s)
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

// idSchema reduces schema s to an object of its property names, each an
// object with an "id" property when it has one.
func idSchema(root map[string]any, s any) map[string]any {
	props := map[string]any{}
	schemaProps(root, s, props, 0)
	out := make(map[string]any, len(props))
	for name, p := range props {
		inner := map[string]any{}
		schemaProps(root, p, inner, 0)
		if _, ok := inner["id"]; ok {
			out[name] = map[string]any{"type": "object", "properties": map[string]any{"id": map[string]any{}}}
		} else {
			out[name] = map[string]any{}
		}
	}
	return map[string]any{"type": "object", "properties": out}
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
