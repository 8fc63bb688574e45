package openapi

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// One resource is often declared loosely by the operation that writes it
// and strictly by the one that reads it: Twilio's POST
// /Conferences/{Sid}.json takes any string for {Sid}, its GET requires
// ^CF[0-9a-fA-F]{32}$. A value valid for the write alone ("idemcheck")
// makes every read of that resource invalid, and a read with a value of
// its own would read another resource. So a path parameter takes a value
// valid for each declaration of it among the GETs that read the same
// resource: the GET of its own path, of the path one level up, and the
// GET by id below it (reads.go plans those reads).

// pathParamValue is the value of path parameter p: the configured one,
// else one valid for p and for the GETs' declarations of it, else
// paramValue's.
func (s *synth) pathParamValue(p *openapi3.Parameter) (string, bool) {
	if v, ok := s.ov.pathParam(p); ok {
		return v, true
	}
	others := s.readDeclarations(p.Name)
	if v, ok := s.paramAny(p); !ok || len(others) == 0 || allValid(v, others) {
		return s.paramValue(p) // the value the write alone would take
	}
	var cands []any
	for _, q := range append([]*openapi3.Parameter{p}, others...) {
		if q.Example != nil {
			cands = append(cands, q.Example)
		}
		for _, name := range sortedKeys(q.Examples) {
			if e := q.Examples[name]; e != nil && e.Value != nil && e.Value.Value != nil {
				cands = append(cands, e.Value.Value)
			}
		}
	}
	g := newGen(s.t)
	for _, q := range append(others, p) {
		if q.Schema != nil {
			if v, ok := g.value(q.Schema, q.Name, 0); ok {
				cands = append(cands, v)
			}
		}
	}
	for _, c := range cands {
		if str, ok := scalarString(c); !ok || str == "" {
			continue
		}
		if validFor(c, p) && allValid(c, others) {
			return simpleValue(p, c), true
		}
	}
	return s.paramValue(p)
}

// validFor reports whether v is valid for p's schema (any value is, for a
// parameter without one).
func validFor(v any, p *openapi3.Parameter) bool {
	return p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.VisitJSON(v) == nil
}

func allValid(v any, ps []*openapi3.Parameter) bool {
	for _, q := range ps {
		if !validFor(v, q) {
			return false
		}
	}
	return true
}

// readDeclarations are the declarations of the path parameter name by
// the GETs that read what s's operation acts on (see above), other than
// s's own; a declaration without a schema is left out.
func (s *synth) readDeclarations(name string) []*openapi3.Parameter {
	if s.t == nil || s.t.Paths == nil || s.r.method == http.MethodGet {
		return nil
	}
	own := requestPath(s.r.path)
	items := []*openapi3.PathItem{s.r.item}
	if base := s.t.Paths.Value(own); base != nil && base != s.r.item {
		items = append(items, base) // a fragment path key reads on the real path
	}
	if pp := parentPath(own); pp != "" {
		items = append(items, s.t.Paths.Value(pp))
	}
	if child, ok := s.r.ix.itemGet(s.t)[strings.TrimRight(own, "/")]; ok {
		items = append(items, s.t.Paths.Value(child.key))
	}
	var out []*openapi3.Parameter
	for _, item := range items {
		if item == nil || item.Get == nil {
			continue
		}
		for _, list := range []openapi3.Parameters{item.Get.Parameters, item.Parameters} {
			for _, pr := range list {
				if pr != nil && pr.Value != nil && pr.Value.In == openapi3.ParameterInPath && pr.Value.Name == name && pr.Value.Schema != nil {
					out = append(out, pr.Value)
					break
				}
			}
		}
	}
	return out
}
