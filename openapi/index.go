package openapi

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Planning one operation must not scan the whole document, or a plan of N
// operations costs N² (24,000 operations took minutes). What the planner
// looks up across paths is computed once per Plan here.

// planIndex holds the document-wide lookups of one Plan.
type planIndex struct {
	// byGet maps a path (fragment removed, no trailing slash) to the
	// template segment of its first child path, in sorted order, that has
	// a GET: "/v1/payments" → "{id}".
	byGet map[string]string
}

func newPlanIndex(doc *Document) *planIndex {
	return &planIndex{byGet: childGets(doc.T)}
}

// itemGet returns the index of children with a GET; outside Plan (a nil
// index) it is computed for t.
func (ix *planIndex) itemGet(t *openapi3.T) map[string]string {
	if ix == nil {
		return childGets(t)
	}
	return ix.byGet
}

// childGets indexes, for every path, its first child "{param}" path with
// a GET, as createdPath reads them.
func childGets(t *openapi3.T) map[string]string {
	out := map[string]string{}
	if t == nil || t.Paths == nil {
		return out
	}
	paths := t.Paths.Map()
	for _, p := range sortedKeys(paths) {
		item := paths[p]
		if item == nil || item.Get == nil {
			continue
		}
		rp := requestPath(p)
		i := strings.LastIndexByte(rp, '/')
		if i < 0 || !isTemplateSegment(rp[i+1:]) {
			continue
		}
		base := rp[:i]
		if _, ok := out[base]; !ok {
			out[base] = rp[i+1:]
		}
	}
	return out
}
