package openapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// A check creates resources on the server it tests: every processed create,
// every parent a chain makes. `check --cleanup` removes them afterwards with
// the document's DELETE for each, found the way chaining finds parents, in
// reverse: a POST on a collection ("POST /v1/payments") creates an item
// under it, which the DELETE on the item's path removes ("DELETE
// /v1/payments/{id}"), its id read from the create's response where a chain
// reads a parent's (idpointer.go: the field the response schema names it
// with, else Location, else id); a PUT that creates a resource under an id
// the client chose is undone by the DELETE on its own path. What a create
// makes that the document offers no DELETE for is named, so the report can
// say what stays on the server.

// Removal is how the resource an operation creates is removed.
type Removal struct {
	// Delete names the DELETE operation ("deletePayment"); "" when the
	// document has none (None says so).
	Delete string `json:"delete,omitempty"`
	// Path is the DELETE's path template ("/v1/payments/{id}"), or the path
	// an item would have when there is none.
	Path string `json:"path"`
	// ID reads the new resource's id from the create's response, as a
	// chain reads a parent's; nil for a PUT, whose own path names it.
	ID *Link `json:"id,omitempty"`
	// None says why nothing removes what the operation creates; "" when
	// Delete is set.
	None string `json:"none,omitempty"`
	// Op is the planned DELETE, with its required query and header
	// parameters; nil when there is none.
	Op *Operation `json:"-"`
}

// String renders the removal for plans: "DELETE /v1/payments/{id}, {id} ←
// /id", or why there is none.
func (r *Removal) String() string {
	if r == nil {
		return ""
	}
	if r.Delete == "" {
		return "not removable: " + r.None
	}
	s := "DELETE " + r.Path
	if r.ID != nil {
		from := r.ID.Pointer
		if r.ID.Header != "" {
			from = "header " + r.ID.Header
		}
		s += fmt.Sprintf(", {%s} ← %s", r.ID.Param, from)
		if r.ID.NotInSchema {
			s += " (not in the response schema)"
		}
	}
	return s
}

// Target is the concrete path of the DELETE that removes what a create
// answered: reqPath is the create's concrete request path (parents filled)
// and header and body its response. ok is false, with why, when the
// resource cannot be removed.
func (r *Removal) Target(reqPath string, header http.Header, body []byte) (path, id, why string) {
	if r == nil {
		return "", "", "the operation creates nothing"
	}
	if r.ID == nil { // a PUT: its own path names the resource
		id = reqPath[strings.LastIndexByte(strings.TrimRight(reqPath, "/"), '/')+1:]
		if v, err := url.PathUnescape(id); err == nil {
			id = v
		}
		if r.Delete == "" {
			return "", id, r.None
		}
		return reqPath, id, ""
	}
	id, ok := r.ID.Value(header, body)
	if !ok {
		id = ""
	}
	switch {
	case r.Delete == "":
		return "", id, r.None
	case !ok:
		return "", "", fmt.Sprintf("the create's response has no value for {%s} (%s)", r.ID.Param, r.ID.Pointer)
	}
	base, suffix := splitSuffix(strings.TrimRight(reqPath, "/"))
	return base + "/" + url.PathEscape(id) + suffix, id, ""
}

// splitSuffix cuts a file-like suffix off a path's last segment:
// "/Calls.json" is ("/Calls", ".json"), as Twilio names collections.
func splitSuffix(p string) (base, suffix string) {
	last := p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.IndexByte(last, '.'); i > 0 {
		return p[:len(p)-len(last)+i], last[i:]
	}
	return p, ""
}

// removals finds, once every operation is planned, the Removal of each
// planned operation that creates something: a POST on a collection and a
// PUT on an item. It runs after planning so that planning a DELETE (whose
// own {id} chains to the very POST it removes for) never meets that POST
// half planned.
func (p *planner) removals() {
	byName := map[string]opRef{}
	for _, r := range p.all {
		byName[r.method+" "+r.path] = r
	}
	planned := make([]*Operation, 0, len(p.memo))
	for _, r := range p.all { // plan order: deterministic
		if o := p.memo[r.method+" "+r.path]; o != nil {
			planned = append(planned, o)
		}
	}
	// A chain's producer creates what the chain needs, whatever its
	// status says (Adyen's payments answer 200): its parameter names it.
	produces := map[string]string{}
	for _, o := range planned {
		for _, l := range o.Chain {
			if l.Producer != nil && l.Fresh == nil {
				if _, seen := produces[l.Producer.Name()]; !seen {
					produces[l.Producer.Name()] = l.Param
				}
			}
		}
	}
	for _, o := range planned {
		if o.Skip != "" {
			continue
		}
		if r, ok := byName[o.Method+" "+o.Path]; ok {
			o.Removal = p.removal(r, o, produces[o.Name()])
		}
	}
}

// removal is how what r (planned as o) creates is removed; nil when r
// creates nothing: not a POST on a collection, nor a PUT. produces is the
// parameter a chain fills from r's response ("" when none does).
func (p *planner) removal(r opRef, o *Operation, produces string) *Removal {
	switch r.method {
	case http.MethodPut:
		rm := &Removal{Path: r.path}
		if d, ok := p.deleteAt(requestPath(r.path)); ok {
			return p.withDelete(rm, d)
		}
		rm.None = fmt.Sprintf("the document has no DELETE %s", requestPath(r.path))
		return rm
	case http.MethodPost:
		if isTemplateSegment(finalSegment(requestPath(r.path))) {
			return nil // it acts on the resource its path names
		}
		base, suffix := splitSuffix(strings.TrimRight(requestPath(r.path), "/"))
		items := p.itemPaths(base, suffix)
		if len(items) == 0 && !creates(r, o) && produces == "" {
			return nil
		}
		param := "id"
		if produces != "" {
			param = produces
		}
		var del opRef
		found := false
		for _, item := range items {
			if d, ok := p.deleteAt(item.path); ok {
				param, del, found = item.param, d, true
				break
			}
		}
		var examples []string // what the DELETE shows for its id: read where a chain reads it
		if found {
			examples = paramExamples(del, param)
		}
		rm := &Removal{Path: base + "/{" + param + "}" + suffix, ID: p.inferredLink(r, param, examples)}
		if !found && strings.Contains(base, "{"+param+"}") {
			rm.Path = base + "/{…}" + suffix // not a second {id}: no DELETE names it
		}
		rm.ID.From = o.ID
		rm.ID.Producer = o
		rm.ID.NotInSchema = rm.ID.Header == "" && pointerPresence(r, rm.ID.Pointer) == presenceNo
		if !found {
			rm.None = fmt.Sprintf("the document has no DELETE %s", rm.Path)
			return rm
		}
		rm.Path = requestPath(del.path)
		return p.withDelete(rm, del)
	}
	return nil
}

// withDelete completes rm with the planned DELETE d.
func (p *planner) withDelete(rm *Removal, d opRef) *Removal {
	op := p.plan(d, 0)
	if op.Skip != "" {
		rm.None = fmt.Sprintf("%s cannot be planned (%s)", op.ID, op.Skip)
		return rm
	}
	rm.Delete, rm.Op = op.ID, op
	return rm
}

// creates reports whether the POST r (planned as o), on a path with no item
// below it, creates a resource all the same: the document lists what it
// creates (a collection GET, a created path) or declares 201 Created.
func creates(r opRef, o *Operation) bool {
	if o.Collection != nil || o.CreatedPath != "" {
		return true
	}
	return r.op.Responses != nil && r.op.Responses.Value("201") != nil
}

// finalSegment is the last segment of a path.
func finalSegment(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// itemPath is a path one template segment below a collection.
type itemPath struct{ path, param string }

// itemPaths are the document's paths one template segment below the
// collection base (with its suffix: "/Calls/{Sid}.json" below
// "/Calls.json"), in the document's order, from an index built once per plan.
func (p *planner) itemPaths(base, suffix string) []itemPath {
	if p.items == nil {
		p.items = map[string][]itemPath{}
		if p.t.Paths != nil {
			for _, k := range sortedKeys(p.t.Paths.Map()) {
				rp := strings.TrimRight(requestPath(k), "/")
				i := strings.LastIndexByte(rp, '/')
				if i < 0 {
					continue
				}
				last := rp[i+1:]
				j := strings.IndexByte(last, '}')
				if j < 0 || !isTemplateSegment(last[:j+1]) {
					continue
				}
				key := rp[:i] + "\x00" + last[j+1:]
				p.items[key] = append(p.items[key], itemPath{path: rp, param: last[1:j]})
			}
		}
	}
	return p.items[base+"\x00"+suffix]
}

// deleteAt finds the DELETE on the request path path (a path key with a
// fragment counts: Box writes several operations on one path that way),
// the first in plan order, from an index built once per plan.
func (p *planner) deleteAt(path string) (opRef, bool) {
	if p.deletes == nil {
		p.deletes = map[string]opRef{}
		for _, r := range p.all {
			k := strings.TrimRight(requestPath(r.path), "/")
			if _, seen := p.deletes[k]; r.method == http.MethodDelete && !seen {
				p.deletes[k] = r
			}
		}
	}
	r, ok := p.deletes[strings.TrimRight(path, "/")]
	return r, ok
}
