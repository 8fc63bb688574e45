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
	// byGet maps a path (fragment removed, no trailing slash) to its first
	// child path, in sorted order, that has a GET: "/v1/payments" →
	// {"{id}", "/v1/payments/{id}"}.
	byGet map[string]childGet
}

// childGet is a path's child "{param}" path with a GET: the template
// segment and the child's path key as the document writes it (a fragment
// included: Box's "/files/{file_id}#get").
type childGet struct {
	seg, key string
}

func newPlanIndex(doc *Document) *planIndex {
	return &planIndex{byGet: childGets(doc.T)}
}

// itemGet returns the index of children with a GET; outside Plan (a nil
// index) it is computed for t.
func (ix *planIndex) itemGet(t *openapi3.T) map[string]childGet {
	if ix == nil {
		return childGets(t)
	}
	return ix.byGet
}

// childGets indexes, for every path, its first child "{param}" path with
// a GET, as createdPath reads them.
func childGets(t *openapi3.T) map[string]childGet {
	out := map[string]childGet{}
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
			out[base] = childGet{seg: rp[i+1:], key: p}
		}
	}
	return out
}
