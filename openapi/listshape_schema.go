package openapi

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// What classify reads of a GET comes from its first 2xx JSON response
// schema, reduced to a shape (the same whether prune reduced it from the
// parsed tree, prune_reads.go, or it is read here from a document loaded
// whole: Swagger 2.0, or a document split across files).

// Why a GET's shape is unknown.
const (
	noJSONSchema = "the GET's 2xx response has no JSON schema"
	noBody       = "the GET declares no 2xx response body"
)

// responseSchema is the JSON schema of get's first 2xx response that has
// one ("200" before "201" before "2XX"); nil, with why not, when none has.
func responseSchema(get *openapi3.Operation) (*openapi3.SchemaRef, string) {
	if get == nil || get.Responses == nil {
		return nil, "the GET declares no responses"
	}
	codes := sortedKeys(get.Responses.Map())
	sort.SliceStable(codes, func(i, j int) bool { return strings.ToUpper(codes[i]) < strings.ToUpper(codes[j]) })
	sawBody := false
	for _, code := range codes {
		resp := get.Responses.Value(code)
		if code == "" || code[0] != '2' || resp == nil || resp.Value == nil {
			continue
		}
		for _, ct := range sortedKeys(resp.Value.Content) {
			sawBody = true
			mt := resp.Value.Content[ct]
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || !jsonMedia(ct) {
				continue
			}
			return mt.Schema, ""
		}
	}
	if sawBody {
		return nil, noJSONSchema
	}
	return nil, noBody
}

// kinShape reduces a loaded schema to the shape classify reads, as
// shapeSchema (prune_reads.go) reduces one of the parsed tree.
func kinShape(sr *openapi3.SchemaRef, depth int) map[string]any {
	if sr == nil || sr.Value == nil || depth > maxShapeDepth {
		return map[string]any{}
	}
	s := flatten(sr)
	for _, c := range []struct {
		k    string
		alts openapi3.SchemaRefs
	}{{"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		k, alts := c.k, c.alts
		if len(alts) > 0 && len(s.Properties) == 0 && s.Items == nil {
			out := make([]any, 0, len(alts))
			for _, a := range alts {
				out = append(out, kinShape(a, depth+1))
			}
			return map[string]any{k: out}
		}
	}
	isArray := func(s *openapi3.Schema) bool {
		return s.Items != nil || s.Type != nil && s.Type.Includes(openapi3.TypeArray)
	}
	itemShape := func(s *openapi3.Schema) map[string]any {
		it := flatten(s.Items)
		if len(it.Properties) > 0 || len(it.OneOf)+len(it.AnyOf) > 0 || it.Type != nil && it.Type.Includes(openapi3.TypeObject) {
			return map[string]any{"type": "object"}
		}
		return map[string]any{}
	}
	if isArray(s) {
		return map[string]any{"type": "array", "items": itemShape(s)}
	}
	if len(s.Properties) == 0 {
		if s.Type != nil && s.Type.Includes(openapi3.TypeObject) {
			return map[string]any{"type": "object"}
		}
		return map[string]any{}
	}
	props := make(map[string]any, len(s.Properties))
	for name, p := range s.Properties {
		ps := flatten(p)
		switch {
		case isArray(ps):
			props[name] = map[string]any{"type": "array", "items": itemShape(ps)}
		case name == "object" && len(ps.Enum) > 0:
			props[name] = map[string]any{"enum": ps.Enum}
		default:
			props[name] = map[string]any{}
		}
	}
	return map[string]any{"type": "object", "properties": props}
}

// jsonMedia reports whether a response media type is JSON.
func jsonMedia(ct string) bool {
	base, _, _ := strings.Cut(strings.ToLower(ct), ";")
	base = strings.TrimSpace(base)
	return base == "application/json" || strings.HasSuffix(base, "+json") || base == "*/*" || base == "application/*"
}
