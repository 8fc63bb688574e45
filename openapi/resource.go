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

// Resource is the state a PUT, PATCH or DELETE acts on, or an update-style
// POST changes ("POST /v1/customers/{id}" beside a GET that answers one
// customer). Paths are concrete: the operation's path parameter values
// filled in.
type Resource struct {
	// Get is the path of the GET on the operation's own path, e.g.
	// "/v1/customers/cus_demo"; empty when the document has no such GET.
	Get string `json:"get,omitempty"`
	// GetRead is that GET with its required query, header and cookie
	// parameters (reads.go); nil when Get is "".
	GetRead *Request `json:"get_read,omitempty"`
	// List is the path of the collection GET one level up, e.g.
	// "/v1/customers"; empty when the document has none, or when that
	// GET's response is not a list (listshape.go).
	List string `json:"list,omitempty"`
	// ListPointer is the JSON pointer of the list's items ("/data"); ""
	// for a top-level array or when its schema does not say.
	ListPointer string `json:"list_pointer,omitempty"`
	// ListWhy says how the list was recognised.
	ListWhy string `json:"list_why,omitempty"`
	// ListRead is the list's GET with its required parameters; nil when
	// List is "".
	ListRead *Request `json:"list_read,omitempty"`
}

// resource finds what a PUT, PATCH or DELETE acts on, or what a POST
// changes when the GET on its path answers one object, for the planned
// request req. Other methods get nil.
func resource(ctx context.Context, t *openapi3.T, r opRef, req *Request, opts PlanOptions) *Resource {
	getPath, item := r.path, r.item
	if item.Get == nil { // a fragment path key ("/files/{id}#share") reads back on the real path
		getPath = requestPath(r.path)
		item = t.Paths.Value(getPath)
	}
	hasGet := item != nil && item.Get != nil
	switch r.method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
	case http.MethodPost:
		if !hasGet || getShape(item.Get, getPath).kind != shapeObject {
			return nil
		}
		res := &Resource{Get: req.Path}
		res.GetRead, _ = planRead(ctx, t, r, req, getPath, item, "")
		if res.GetRead != nil {
			res.Get = res.GetRead.Path
		}
		return res
	default:
		return nil
	}
	res := &Resource{}
	if hasGet {
		res.Get = req.Path
		res.GetRead, _ = planRead(ctx, t, r, req, getPath, item, "")
		if res.GetRead != nil {
			res.Get = res.GetRead.Path
		}
	}
	if list := parentPath(req.Path); list != "" {
		lp := parentPath(requestPath(r.path))
		if li := t.Paths.Value(lp); li != nil && li.Get != nil {
			if c, _ := listAt(ctx, t, r, req, lp, li, list); c != nil { // plan.go: only a list counts
				res.List, res.ListPointer, res.ListWhy, res.ListRead = c.Path, c.Pointer, c.Why, c.Read
			}
		}
	}
	if res.Get == "" && res.List == "" {
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
