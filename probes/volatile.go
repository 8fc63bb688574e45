package probes

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Two replies to the same request, each sent with a fresh key, differ in
// what is volatile: ids, timestamps, request ids, canaries. What differs
// between them says nothing about the request; what differs between a
// request and a changed one, beyond that, is what the change governs. A
// field that grows with time (a timestamp in seconds, a sequence number) is
// caught by sending the changed request between two copies of the original:
// it moves between those two whenever it can move in the changed one.

// maxDiffNodes bounds the nodes one comparison of two bodies visits.
const maxDiffNodes = 20000

// volatile is what differed between replies to the same request.
type volatile struct {
	status, location, contentType bool
	whole                         bool     // the bodies differed entirely (not JSON, or another type)
	pointers                      []string // JSON pointers into the bodies
}

// learn adds what differs between two replies to the same request.
func (v *volatile) learn(a, b *reply, ignore []string) {
	va, vb := view(a, ignore), view(b, ignore)
	v.status = v.status || va.Status != vb.Status
	v.location = v.location || va.Location != vb.Location
	v.contentType = v.contentType || va.ContentType != vb.ContentType
	seen := map[string]bool{}
	for _, p := range v.pointers {
		seen[p] = true
	}
	budget := maxDiffNodes
	for _, p := range diffPointers(va.Body, vb.Body, "", &budget) {
		if p == "" {
			v.whole = true
			continue
		}
		if !seen[p] {
			seen[p] = true
			v.pointers = append(v.pointers, p)
		}
	}
	sort.Strings(v.pointers)
}

// view is r as compared, without what is volatile.
func (v *volatile) view(r *reply, ignore []string) replyView {
	c := view(r, ignore)
	if v.status {
		c.Status = 0
	}
	if v.location {
		c.Location = ""
	}
	if v.contentType {
		c.ContentType = ""
	}
	if v.whole {
		c.Body = nil
		return c
	}
	for _, p := range v.pointers {
		c.Body = removePointer(c.Body, p)
	}
	return c
}

// diff is the go-cmp diff of a and b without what is volatile, "" when
// they agree on the rest.
func (v *volatile) diff(a, b *reply, ignore []string) string {
	return cmp.Diff(v.view(a, ignore), v.view(b, ignore))
}

// changed lists where b differs from a beyond what is volatile: JSON
// pointers into the body, and "status", "Location" or "Content-Type".
func (v *volatile) changed(a, b *reply, ignore []string) (pointers, parts []string) {
	va, vb := v.view(a, ignore), v.view(b, ignore)
	if va.Status != vb.Status {
		parts = append(parts, "status")
	}
	if va.Location != vb.Location {
		parts = append(parts, "Location")
	}
	if va.ContentType != vb.ContentType {
		parts = append(parts, "Content-Type")
	}
	budget := maxDiffNodes
	pointers = diffPointers(va.Body, vb.Body, "", &budget)
	return pointers, parts
}

// diffPointers lists the JSON pointers at which a and b differ, shallowest
// first: a member present in one only, an array of another length, a
// scalar of another value. "" means the roots differ.
func diffPointers(a, b any, ptr string, budget *int) []string {
	if *budget <= 0 {
		return []string{ptr} // too large to compare further: all of it
	}
	*budget--
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{ptr}
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			child := ptr + "/" + escapePointer(k)
			xv, inX := x[k]
			yv, inY := y[k]
			if inX != inY {
				out = append(out, child)
				continue
			}
			out = append(out, diffPointers(xv, yv, child, budget)...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{ptr}
		}
		var out []string
		for i := range x {
			out = append(out, diffPointers(x[i], y[i], ptr+"/"+strconv.Itoa(i), budget)...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{ptr}
	}
	return nil
}

// atPointer is the value at JSON pointer p in v, and whether there is one.
func atPointer(v any, p string) (any, bool) {
	if p == "" {
		return v, true
	}
	cur := v
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			e, ok := t[part]
			if !ok {
				return nil, false
			}
			cur = e
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(t) {
				return nil, false
			}
			cur = t[n]
		default:
			return nil, false
		}
	}
	return cur, true
}
