package openapi

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Side effects are observed, not assumed (DESIGN.md). The planner names what
// the probes can observe: the list beside a create (Collection, plan.go and
// parentCollection below), the created resource read back by id
// (CreatedPath), and a canary field that attributes items to one experiment
// (canary.go).

// observability fills what the probes observe an operation's side effects
// with, once its request is planned. It also applies the per-operation
// configuration that does not shape the request.
func (s *synth) observability(o *Operation) {
	if msg := s.unknownPathParams(); msg != "" {
		o.Skip, o.Request, o.AltBody = msg, nil, nil
		return
	}
	if s.ov != nil {
		o.IgnoreFields = append([]string(nil), s.ov.IgnoreFields...)
	}
	if o.Collection == nil {
		o.Collection = parentCollection(s.t, s.r, o.Request)
	}
	o.CreatedPath = createdPath(s.t, s.r, o.Request)
	o.Canary = s.canary(o)
}

// createdPath is the GET-by-id of what a POST creates: a path that is the
// POST's path plus one template segment ("/v1/payments" →
// "/v1/payments/{id}"), with a GET. The result is concrete but for that
// last segment, which the resource observer fills from the response.
func createdPath(t *openapi3.T, r opRef, req *Request) string {
	if r.method != http.MethodPost || req == nil || t.Paths == nil {
		return ""
	}
	base := strings.TrimRight(requestPath(r.path), "/")
	rest, ok := r.ix.itemGet(t)[base]
	if !ok {
		return ""
	}
	return strings.TrimRight(req.Path, "/") + "/" + rest
}

// parentCollection finds the list of a POST on an action or batch path
// ("POST /v1/things/import" is counted by "GET /v1/things"): the parent path,
// when it has a GET and is itself a collection (its last segment is not a
// template, which would make it one resource).
func parentCollection(t *openapi3.T, r opRef, req *Request) *Collection {
	if r.method != http.MethodPost || req == nil || t.Paths == nil {
		return nil
	}
	tmpl := strings.TrimRight(requestPath(r.path), "/")
	i := strings.LastIndexByte(tmpl, '/')
	if i <= 0 || isTemplateSegment(tmpl[i+1:]) {
		return nil
	}
	parent := tmpl[:i]
	if last := parent[strings.LastIndexByte(parent, '/')+1:]; isTemplateSegment(last) || last == "" {
		return nil
	}
	item := t.Paths.Value(parent)
	if item == nil || item.Get == nil {
		return nil
	}
	concrete := strings.TrimRight(req.Path, "/")
	j := strings.LastIndexByte(concrete, '/')
	if j <= 0 {
		return nil
	}
	return &Collection{Path: concrete[:j]}
}

// isTemplateSegment reports whether seg is one whole "{param}" segment.
func isTemplateSegment(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}/")
}
