package openapi

import (
	"context"
	"net/http"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// PUT and DELETE are idempotent by definition (RFC 9110 §9.2.2): what
// proves it is the state they leave, not their response. The natural-put and
// natural-delete probes read that state through the GET on the operation's
// own path and count the list one level up. The planner finds those here;
// the PUT that creates a DELETE's resource (under a fresh id) is its chain
// (chainput.go).

// Resource is the state a PUT, PATCH or DELETE acts on. Paths are concrete:
// the operation's path parameter values filled in.
type Resource struct {
	// Get is the path of the GET on the operation's own path, e.g.
	// "/v1/customers/cus_demo"; empty when the document has no such GET.
	Get string `json:"get,omitempty"`
	// List is the path of the collection GET one level up, e.g.
	// "/v1/customers"; empty when the document has none.
	List string `json:"list,omitempty"`
}

// resource finds what a PUT, PATCH or DELETE acts on, for the planned
// request req. Other methods get nil.
func resource(ctx context.Context, t *openapi3.T, r opRef, req *Request, opts PlanOptions) *Resource {
	switch r.method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil
	}
	res := &Resource{}
	if r.item.Get != nil {
		res.Get = req.Path
	} else if base := t.Paths.Value(requestPath(r.path)); base != nil && base.Get != nil {
		res.Get = req.Path // a fragment path key ("/files/{id}#share") reads back on the real path
	}
	if list := parentPath(req.Path); list != "" {
		if item := t.Paths.Value(parentPath(requestPath(r.path))); item != nil && item.Get != nil {
			res.List = list
		}
	}
	if *res == (Resource{}) {
		return nil
	}
	return res
}

// parentPath is p without its last segment: "/v1/customers/x" →
// "/v1/customers"; "" for a top-level path.
func parentPath(p string) string {
	p = strings.TrimRight(p, "/")
	d := path.Dir(p)
	if d == "/" || d == "." || d == p {
		return ""
	}
	return d
}
