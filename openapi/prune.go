package openapi

import (
	"net/url"
	"strings"
)

// Load what is tested (issue 20): kin-openapi spends most of a large
// document's load on parts no plan reads (response schemas, GET
// operations' optional parameters and response schemas, components only
// they refer to). prune drops those parts from the prepared tree of a
// single-file OpenAPI 3 document before kin-openapi sees it. What the
// planner reads stays: every path item, each GET reduced to its required
// parameters and the shape of its 2xx response (prune_reads.go: a list or a
// resource to read back), the mutating operations whole but for their
// response schemas, and of responses their status codes and the names of
// their examples (errorbody.go pairs them with request examples); of a
// POST's or PUT's 2xx responses also their links and which of their fields
// name what was created (prune_producer.go).

// componentSections are the components that $refs point into.
var componentSections = []string{
	"schemas", "responses", "parameters", "requestBodies", "headers",
	"examples", "links", "callbacks", "pathItems",
}

// prune rewrites root in place; it gives up (leaving root whole) when an
// internal $ref points anywhere but into components.
func prune(root map[string]any) {
	paths, ok := root["paths"].(map[string]any)
	if !ok {
		return
	}
	refs := map[string]bool{}
	if !internalRefs(root, refs, 0) {
		return
	}
	for _, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			continue
		}
		for k, opv := range item {
			op, ok := opv.(map[string]any)
			if !ok || !isMethod(k) {
				continue
			}
			if k == "get" {
				item[k] = keepPosition(op, readOperation(root, op)) // prune_reads.go: what planned reads use
				continue
			}
			if !isMutating(k) {
				item[k] = keepPosition(op, map[string]any{})
				continue
			}
			delete(op, "callbacks")
			if rs, ok := op["responses"].(map[string]any); ok {
				for code, r := range rs {
					if (k == "post" || k == "put") && strings.HasPrefix(code, "2") {
						rs[code] = producerResponse(root, r) // prune_producer.go: what chaining reads
						continue
					}
					pruneResponse(r)
				}
			}
		}
	}
	delete(root, "webhooks")
	comps, ok := root["components"].(map[string]any)
	if !ok {
		return
	}
	if rs, ok := comps["responses"].(map[string]any); ok {
		for _, r := range rs {
			pruneResponse(r)
		}
	}
	// What is left refers to some components; those refer to others.
	used := map[string]bool{}
	delete(root, "components")
	internalRefs(root, used, 0)
	root["components"] = comps
	queue := make([]string, 0, len(used))
	for r := range used {
		queue = append(queue, r)
	}
	for len(queue) > 0 {
		r := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		sec, name, _ := strings.Cut(r, "/")
		m, _ := comps[sec].(map[string]any)
		found := map[string]bool{}
		internalRefs(m[name], found, 0)
		for f := range found {
			if !used[f] {
				used[f] = true
				queue = append(queue, f)
			}
		}
	}
	for _, sec := range componentSections {
		m, ok := comps[sec].(map[string]any)
		if !ok {
			continue
		}
		for name := range m {
			if !used[sec+"/"+name] {
				delete(m, name)
			}
		}
	}
}

// isMutating reports whether a lower-case method key is one Plan selects.
func isMutating(k string) bool {
	switch k {
	case "post", "put", "patch", "delete":
		return true
	}
	return false
}

// keepPosition copies the position extension of op into to.
func keepPosition(op, to map[string]any) map[string]any {
	if p, ok := op[posExt]; ok {
		to[posExt] = p
	}
	return to
}

// pruneResponse keeps of a response its $ref or its description and, per
// media type, the names of its examples.
func pruneResponse(v any) {
	r, ok := v.(map[string]any)
	if !ok {
		return
	}
	if _, isRef := r["$ref"]; isRef {
		return
	}
	delete(r, "headers")
	delete(r, "links")
	content, ok := r["content"].(map[string]any)
	if !ok {
		return
	}
	for name, mv := range content {
		mt, ok := mv.(map[string]any)
		if !ok {
			continue
		}
		kept := map[string]any{}
		if exs, ok := mt["examples"].(map[string]any); ok {
			names := make(map[string]any, len(exs))
			for n := range exs {
				names[n] = map[string]any{}
			}
			kept["examples"] = names
		}
		content[name] = kept
	}
}

// internalRefs adds to refs the components ("schemas/Name") that the $refs
// and discriminator mappings under v point to. It returns false when an
// internal $ref points elsewhere, which prune does not follow.
func internalRefs(v any, refs map[string]bool, depth int) bool {
	if depth > maxNesting {
		return false
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if !internalRefs(e, refs, depth+1) {
				return false
			}
		}
	case map[string]any:
		for k, e := range t {
			if s, ok := e.(string); ok && (k == "$ref" || strings.HasPrefix(s, "#/")) {
				if !addRef(s, refs) {
					return false
				}
				continue
			}
			if !internalRefs(e, refs, depth+1) {
				return false
			}
		}
	}
	return true
}

// addRef records the component an internal ref names; other refs (to
// files, which a pruned document has none of) are ignored.
func addRef(ref string, refs map[string]bool) bool {
	if !strings.HasPrefix(ref, "#") {
		return true
	}
	frag := ref[1:]
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	rest, ok := strings.CutPrefix(frag, "/components/")
	if !ok {
		return false
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 {
		return false
	}
	name := strings.ReplaceAll(strings.ReplaceAll(parts[1], "~1", "/"), "~0", "~")
	refs[parts[0]+"/"+name] = true
	return true
}
