package openapi

import (
	"fmt"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A GET beside a write is an observer only when it reads what the write
// changes in a way a probe can count. Whether it is a list is read from its
// 2xx response schema, never from where it sits: "GET /v1/customers/{id}"
// beside Stripe's update-style "POST /v1/customers/{id}" answers one
// customer, not a list of them, and "GET /collaborations" answers Box's
// {"entries": [...], "limit": …} envelope, not a top-level array.
//
// A list is a top-level array, or an object with a property that is an
// array of objects and that the object shows to be its items: the property
// is named after the path's last segment ("customers" for /v1/customers,
// "calls" for /Calls.json), or has a conventional envelope name (data,
// items, results, entries, …) on a collection path or beside pagination
// fields (has_more, next_marker, page_size, an "object" that is "list"), or
// is the only array of objects beside pagination fields on a collection
// path. Any other object is one resource: an order's "items" or an
// invoice's "lines" do not make it a list.

// shapeKind is what a GET's 2xx response is.
type shapeKind int

const (
	shapeUnknown shapeKind = iota // the schema does not say
	shapeList                     // a list of items
	shapeObject                   // one object: a resource read back
)

// listShape is what a GET's 2xx response schema says it answers.
type listShape struct {
	kind shapeKind
	// pointer is the JSON pointer of the items array of a list ("" for a
	// top-level array).
	pointer string
	// why says how the kind was read, for plans: "the 2xx response is an
	// array", "its entries is an array of objects (beside limit, next_marker)".
	why string
}

// envelopeNames are the property names lists conventionally put their
// items under, best first.
var envelopeNames = []string{"data", "items", "results", "entries", "records", "values", "elements", "content", "rows", "list", "objects", "resources"}

// pagingNames are properties that only a page of a list has, normalised
// (lower case, no separators). "links", "meta" and "total" are not among
// them: single resources carry those too (PayPal's links, an order's total).
var pagingNames = map[string]bool{
	"hasmore": true, "next": true, "nextpage": true, "nextpageuri": true, "nextpageurl": true,
	"nextpagetoken": true, "nextcursor": true, "cursor": true, "nextmarker": true, "marker": true,
	"page": true, "pagesize": true, "perpage": true, "offset": true, "limit": true,
	"totalcount": true, "totalsize": true, "totalitems": true, "totalpages": true,
	"paging": true, "pagination": true, "nextlink": true, "nexturl": true, "previouspageuri": true,
}

// maxShapeDepth bounds the oneOf/anyOf alternatives followed.
const maxShapeDepth = 3

// getShape reads what the GET get at the path template tmpl answers: from
// the shape prune kept (prune_reads.go), else from its response schema.
func getShape(get *openapi3.Operation, tmpl string) listShape {
	seg, atItem := lastSegment(tmpl)
	if kept, ok := get.Extensions[shapeExt].(map[string]any); ok {
		if why, ok := kept["none"].(string); ok {
			return listShape{why: why}
		}
		m, _ := kept["schema"].(map[string]any)
		return classify(m, seg, atItem, 0)
	}
	sr, why := responseSchema(get)
	if sr == nil {
		return listShape{why: why}
	}
	return classify(kinShape(sr, 0), seg, atItem, 0)
}

// lastSegment is the last segment of a path template without a file
// extension ("Calls.json" → "Calls"), and whether it is a parameter (the
// path names one item).
func lastSegment(tmpl string) (string, bool) {
	p := strings.TrimRight(requestPath(tmpl), "/")
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if strings.Contains(seg, "{") {
		return "", true
	}
	if ext := path.Ext(seg); ext != "" && ext != seg {
		seg = strings.TrimSuffix(seg, ext)
	}
	return seg, false
}

// classify reads a reduced schema's shape (see shapeSchema). seg is the
// path's last literal segment ("" when it is a parameter: atItem).
func classify(m map[string]any, seg string, atItem bool, depth int) listShape {
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts := asSlice(m[k]); len(alts) > 0 {
			return classifyAlternatives(alts, seg, atItem, depth)
		}
	}
	props, _ := m["properties"].(map[string]any)
	switch {
	case m["type"] == "array":
		return listShape{kind: shapeList, why: "the 2xx response is an array"}
	case len(props) > 0:
		return classifyObject(props, seg, atItem)
	case m["type"] == "object":
		return listShape{why: "the 2xx response is an object whose properties the document does not declare"}
	}
	return listShape{why: "the 2xx response schema does not say what it is"}
}

// classifyAlternatives reads a oneOf/anyOf: a shape all alternatives
// agree on, else unknown.
func classifyAlternatives(alts []any, seg string, atItem bool, depth int) listShape {
	if depth >= maxShapeDepth {
		return listShape{why: "the 2xx response's alternatives nest too deeply"}
	}
	var first listShape
	for i, a := range alts {
		am, _ := a.(map[string]any)
		sh := classify(am, seg, atItem, depth+1)
		if i == 0 {
			first = sh
			continue
		}
		if sh.kind != first.kind || sh.pointer != first.pointer {
			return listShape{why: "the 2xx response's alternatives (oneOf/anyOf) disagree on whether it is a list"}
		}
	}
	if first.kind != shapeUnknown {
		first.why += fmt.Sprintf(" (in each of its %d alternatives)", len(alts))
	}
	return first
}

// classifyObject tells a list envelope from one resource, by the reduced
// properties of the object.
func classifyObject(props map[string]any, seg string, atItem bool) listShape {
	var arrays, paging []string
	for _, name := range sortedKeys(props) {
		p, _ := props[name].(map[string]any)
		items, _ := p["items"].(map[string]any)
		switch {
		case p["type"] == "array" && items["type"] == "object":
			arrays = append(arrays, name)
		case pagingNames[normName(name)] || name == "object" && enumHas(p["enum"], "list"):
			paging = append(paging, name)
		}
	}
	beside := ""
	if len(paging) > 0 {
		beside = " (beside " + strings.Join(paging, ", ") + ")"
	}
	list := func(name, how string) listShape {
		return listShape{kind: shapeList, pointer: "/" + escapePointer(name), why: fmt.Sprintf("its %s is an array of objects%s%s", name, how, beside)}
	}
	if seg != "" {
		for _, name := range arrays {
			if normName(name) == normName(seg) {
				return list(name, ", named after the path")
			}
		}
	}
	for _, env := range envelopeNames {
		for _, name := range arrays {
			if strings.EqualFold(name, env) && (!atItem || len(paging) > 0) {
				return list(name, "")
			}
		}
	}
	if len(arrays) == 1 && len(paging) > 0 && !atItem {
		return list(arrays[0], "")
	}
	why := "the 2xx response is one object (no array of items at its top level)"
	if len(arrays) > 0 {
		why = fmt.Sprintf("the 2xx response is one object: its arrays (%s) are its own fields, not a list's items", strings.Join(arrays, ", "))
	}
	return listShape{kind: shapeObject, why: why}
}

// enumHas reports whether an enum (a JSON array, or the values kin-openapi
// read) holds v.
func enumHas(enum any, v string) bool {
	for _, e := range asSlice(enum) {
		if e == v {
			return true
		}
	}
	return false
}

// normName folds a name for comparison: lower case, without separators
// ("payment-tokens" and "payment_tokens" are one name).
func normName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.', ' ':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
