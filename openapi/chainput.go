package openapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The PUT that creates a resource under an id the client chooses (freshid.go):
// "PUT /v1/customers/{id}" for the {id} of every operation on
// /v1/customers/{id} and under it, the PUT itself included. It is the one
// way such a parent is made: a DELETE's resource, a PATCH's, a nested
// POST's. A PUT creates or replaces (RFC 9110 §9.3.4); one that only
// updates ("Update file") refuses a fresh id, and the experiment says so
// and how to name an existing resource instead (probes/chain.go). Whether
// it does is not guessed from its summary: the example id would not exist
// on the server either, and guessing would let verdicts depend on which
// probe created it first.

// sourceFresh is the Source of a link to a fresh, client-chosen id.
const sourceFresh = "a PUT on the path creates it under an id the client chooses"

// putCreate finds the PUT on the path up to {param} ("/things/{id}" for the
// {id} of "/things/{id}/notes"), matched by shape (chainshape.go); shared
// maps its path parameters to r's. self is set when r is a PUT on that
// very path: its own request creates the resource.
func (p *planner) putCreate(r opRef, param string) (pr opRef, shared map[string]string, self, ok bool) {
	segs := strings.Split(strings.TrimRight(requestPath(r.path), "/"), "/")
	for i, seg := range segs {
		suffix, found := strings.CutPrefix(seg, "{"+param+"}")
		if !found || i < 1 || suffix != "" && !strings.HasPrefix(suffix, ".") {
			continue
		}
		if r.method == http.MethodPut && i == len(segs)-1 {
			return r, nil, true, true
		}
		if pr, ok := p.putIndex()[pathShape(strings.Join(segs[:i+1], "/"))]; ok {
			return pr, sharedParams(requestPath(pr.path), segs[:i+1]), false, true
		}
	}
	return opRef{}, nil, false, false
}

// putIndex indexes the PUTs by the shape of their request path (once per
// plan): the first in plan order for each ("/files/{id}" before
// "/files/{id}#share").
func (p *planner) putIndex() map[string]opRef {
	if p.puts == nil {
		p.puts = map[string]opRef{}
		for _, pr := range p.all {
			if pr.method != http.MethodPut {
				continue
			}
			k := pathShape(strings.TrimRight(requestPath(pr.path), "/"))
			if _, seen := p.puts[k]; !seen {
				p.puts[k] = pr
			}
		}
	}
	return p.puts
}

// freshLink links param to a fresh id, created by the PUT pr (nothing is
// sent first when self: r is that PUT). An id whose schema no fresh value
// fits, or a PUT that cannot be planned, leaves the parameter to its
// planned value, with a note.
func (p *planner) freshLink(r, pr opRef, shared map[string]string, self bool, param string, depth int) (*Link, string) {
	f, why := freshIDOf(pathParamSchema(pr, theirName(shared, param)))
	if f != nil && !self {
		why = f.fits(pathParamSchema(r, param)) // the value goes into r's path too
	}
	if why != "" {
		return nil, fmt.Sprintf("path parameter {%s}: %s creates it under an id the client chooses, but %s, so the planned value is sent", param, pr.id(), why)
	}
	l := &Link{Param: param, Source: sourceFresh, Fresh: f, Shared: renamed(shared)}
	if self {
		l.From = r.id()
		return l, ""
	}
	f.By = pr.method + " " + pr.path
	return p.producer(l, pr, depth)
}

// fits says why values of f do not fit the schema sr; "" when they do.
func (f *FreshID) fits(sr *openapi3.SchemaRef) string {
	if sr == nil || sr.Value == nil {
		return ""
	}
	for _, v := range f.samples() {
		if err := flatten(sr).VisitJSON(v); err != nil {
			return fmt.Sprintf("a fresh value %v does not fit its schema here (%s)", v, oneLine(err.Error(), 120))
		}
	}
	return ""
}

// pathParamSchema is the schema of r's path parameter name (the
// operation's declaration over its path item's); nil when undeclared.
func pathParamSchema(r opRef, name string) *openapi3.SchemaRef {
	for _, list := range []openapi3.Parameters{r.op.Parameters, r.item.Parameters} {
		for _, pr := range list {
			if pr != nil && pr.Value != nil && pr.Value.In == openapi3.ParameterInPath && pr.Value.Name == name {
				return pr.Value.Schema
			}
		}
	}
	return nil
}
