package openapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Side effects are observed, not assumed (docs/design.md). The planner names what
// the probes can observe: the list beside a create (Collection, plan.go and
// parentCollection below), the created resource read back by id
// (CreatedPath), and a canary field that attributes items to one experiment
// (canary.go).

// observability fills what the probes observe an operation's side effects
// with, once its request is planned. It also applies the per-operation
// configuration that does not shape the request. whyNot are the reasons
// gathered so far for observers not taken.
func (s *synth) observability(o *Operation, whyNot []string) {
	if msg := s.unknownPathParams(); msg != "" {
		o.Skip, o.Request, o.AltBody = msg, nil, nil
		return
	}
	if s.ov != nil {
		o.IgnoreFields = append([]string(nil), s.ov.IgnoreFields...)
	}
	if o.Collection == nil {
		var why []string
		o.Collection, why = parentCollection(s.ctx, s.t, s.r, o.Request)
		whyNot = append(whyNot, why...)
	}
	o.CreatedPath, o.CreatedRead = createdPath(s.ctx, s.t, s.r, o.Request)
	o.Canary = s.canary(o)
	o.Observation = observation(o, whyNot) // reads.go
}

// createdPath is the GET-by-id of what a POST creates: a path that is the
// POST's path plus one template segment ("/v1/payments" →
// "/v1/payments/{id}"), with a GET. The result is concrete but for that
// last segment, which the resource observer fills from the response; read
// is that GET with its required parameters (reads.go).
func createdPath(ctx context.Context, t *openapi3.T, r opRef, req *Request) (string, *Request) {
	if r.method != http.MethodPost || req == nil || t.Paths == nil {
		return "", nil
	}
	base := strings.TrimRight(requestPath(r.path), "/")
	child, ok := r.ix.itemGet(t)[base]
	if !ok {
		return "", nil
	}
	rest := child.seg
	p := strings.TrimRight(req.Path, "/") + "/" + rest
	read, _ := planRead(ctx, t, r, req, child.key, t.Paths.Value(child.key), rest[1:len(rest)-1])
	if read == nil || read.Path != p {
		read = &Request{Method: http.MethodGet, Path: p} // the path as the observer has always read it
	}
	return p, read
}

// parentCollection finds the list of a POST on an action or batch path
// ("POST /v1/things/import" is counted by "GET /v1/things"): the parent path,
// when it has a GET and is itself a collection (its last segment is not a
// template, which would make it one resource) whose response is a list.
func parentCollection(ctx context.Context, t *openapi3.T, r opRef, req *Request) (*Collection, []string) {
	if r.method != http.MethodPost || req == nil || t.Paths == nil {
		return nil, nil
	}
	tmpl := strings.TrimRight(requestPath(r.path), "/")
	i := strings.LastIndexByte(tmpl, '/')
	if i <= 0 || isTemplateSegment(tmpl[i+1:]) {
		return nil, nil
	}
	parent := tmpl[:i]
	if last := parent[strings.LastIndexByte(parent, '/')+1:]; isTemplateSegment(last) || last == "" {
		return nil, nil
	}
	item := t.Paths.Value(parent)
	if item == nil || item.Get == nil {
		return nil, nil
	}
	concrete := strings.TrimRight(req.Path, "/")
	j := strings.LastIndexByte(concrete, '/')
	if j <= 0 {
		return nil, nil
	}
	return listAt(ctx, t, r, req, parent, item, concrete[:j])
}

// isTemplateSegment reports whether seg is one whole "{param}" segment.
func isTemplateSegment(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}/")
}
