package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// A nested operation (POST /v1/payments/{id}/refunds) needs a parent that
// exists: the document's example id rarely does on the server under test.
// So a path parameter can be chained: filled, for each experiment, from the
// response of another operation that creates the parent. The planner
// records where each chained value comes from (chainplan.go); the probes
// create the parents, each experiment its own (probes/chain.go).

// Link fills one path parameter of an operation from the response of
// another operation (its producer), sent first.
type Link struct {
	// Param is the path parameter, as in the template ("id").
	Param string `json:"param"`
	// From is the producing operation (its ID).
	From string `json:"from"`
	// Pointer is the JSON pointer into the producer's response body
	// ("/id"); "" when the value is read from Header.
	Pointer string `json:"pointer,omitempty"`
	// Header is the producer's response header the value is read from
	// (its last path segment, for Location); "" when read from the body.
	Header string `json:"header,omitempty"`
	// Source says how the link was found: the configuration line, "OpenAPI
	// link NAME", "inferred from the path", or that a PUT creates it.
	Source string `json:"source"`
	// Fresh is set when the value is an id the client chooses: a new one
	// for every experiment, of this shape, created first by the PUT it
	// names (freshid.go). Pointer and Header are then empty.
	Fresh *FreshID `json:"fresh,omitempty"`
	// NotInSchema marks a body pointer that the producer's 2xx response
	// schema does not have: the value may not be there (plan shows it).
	NotInSchema bool `json:"not_in_schema,omitempty"`
	// Shared names the producer's path parameters that this operation's
	// path names otherwise, at the same place (chainshape.go): {"id":
	// "fee"} for the {id} of /v1/application_fees/{fee}/refunds/{id} ←
	// POST /v1/application_fees/{id}/refunds. The producer is sent with
	// this operation's values for every parameter they share
	// (SharedParams), chained or not; nil when the names agree.
	Shared map[string]string `json:"shared,omitempty"`
	// Producer is the planned producing operation (with its own links, for
	// parents of parents).
	Producer *Operation `json:"-"`
	// Beside are names (words joined) that the document writes beside
	// Param's own in one object: variants of it that name other things
	// (idpairs.go). No field of the producer's response by those names is
	// taken for the value, by the plan or at run time.
	Beside []string `json:"-"`
}

// String renders the link for plans: "{id} ← createPayment /id",
// "{x} ← createY /id (not in createY's 2xx response schema)", "{id} ← a
// fresh id, created by PUT /v1/customers/{id}".
func (l Link) String() string {
	if l.Fresh != nil {
		if l.Fresh.Unmade {
			return fmt.Sprintf("{%s} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)", l.Param)
		}
		if l.Fresh.By == "" {
			return fmt.Sprintf("{%s} ← a fresh id, created by this PUT", l.Param)
		}
		return fmt.Sprintf("{%s} ← a fresh id, created by %s", l.Param, l.Fresh.By) + l.renames()
	}
	from := l.Pointer
	if l.Header != "" {
		from = "header " + l.Header
	}
	s := fmt.Sprintf("{%s} ← %s %s", l.Param, l.From, from)
	if l.NotInSchema {
		s += fmt.Sprintf(" (not in %s's 2xx response schema)", l.From)
	}
	return s + l.renames()
}

// renames says which of the producer's parameters this path names
// otherwise: " (under this {fee}, its {id})"; "" when none.
func (l Link) renames() string {
	if len(l.Shared) == 0 {
		return ""
	}
	var parts []string
	for _, t := range sortedKeys(l.Shared) {
		parts = append(parts, fmt.Sprintf("this {%s}, its {%s}", l.Shared[t], t))
	}
	return " (under " + strings.Join(parts, "; ") + ")"
}

// inferred reports whether the link was guessed from the path: its value
// may then also be found in the places a create usually names its result.
func (l Link) inferred() bool { return l.Source == sourceInferred }

const sourceInferred = "inferred from the path"

// Value reads the parameter's value from the producer's response. An
// inferred link also tries the body's field whose name best matches the
// parameter's words (idwords.go: {"pid": …}, {"id": …}, {"data": {"id"}}),
// then the last segment of Location, then a field of another envelope
// ({"droplet": {"id": 1}}). ok is false when none holds a scalar.
func (l Link) Value(header http.Header, body []byte) (string, bool) {
	var doc any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		doc = nil
	}
	if l.Header != "" {
		if v := headerValue(header, l.Header); v != "" {
			return v, true
		}
		if !l.inferred() {
			return "", false
		}
	}
	if l.Pointer != "" && doc != nil {
		if v, err := pointer(doc, l.Pointer); err == nil {
			if s, ok := scalarText(v); ok {
				return s, true
			}
		}
	}
	if !l.inferred() {
		return "", false
	}
	m, _ := doc.(map[string]any)
	top, envelopes := valueFields(m)
	p := idWords(l.Param)
	var c creation
	if l.Producer != nil {
		c = creationOf(l.Producer.Path)
	}
	c.beside = l.Beside
	if f, ok := bestField(p, c, top); ok {
		v, _ := scalarText(pointerValue(m, f.ptr))
		return v, true
	}
	if v := headerValue(header, "Location"); v != "" {
		return v, true
	}
	if f, ok := bestField(p, c, envelopes); ok {
		v, _ := scalarText(pointerValue(m, f.ptr))
		return v, true
	}
	return "", false
}

// valueFields lists the scalar fields of a response body: its own and a
// "data" envelope's (top), and those of its other object members
// (envelopes).
func valueFields(m map[string]any) (top, envelopes []idField) {
	for _, k := range sortedKeys(m) {
		if _, ok := scalarText(m[k]); ok {
			top = append(top, idField{ptr: "/" + escapePointer(k), words: idWords(k)})
			continue
		}
		inner, ok := m[k].(map[string]any)
		if !ok {
			continue
		}
		for _, in := range sortedKeys(inner) {
			if _, ok := scalarText(inner[in]); ok {
				f := idField{ptr: "/" + escapePointer(k) + "/" + escapePointer(in), env: idWords(k), words: idWords(in)}
				if k == "data" {
					top = append(top, f)
				} else {
					envelopes = append(envelopes, f)
				}
			}
		}
	}
	return top, envelopes
}

// pointerValue is the value at ptr in doc; nil when there is none.
func pointerValue(doc any, ptr string) any {
	v, err := pointer(doc, ptr)
	if err != nil {
		return nil
	}
	return v
}

// headerValue is a response header's value; for Location (or any URL) its
// last path segment, which names the created resource.
func headerValue(h http.Header, name string) string {
	v := h.Get(name)
	if v == "" {
		return ""
	}
	if strings.EqualFold(name, "Location") || strings.Contains(v, "/") {
		if i := strings.IndexAny(v, "?#"); i >= 0 {
			v = v[:i]
		}
		v = path.Base(strings.TrimRight(v, "/"))
		if v == "." || v == "/" {
			return ""
		}
	}
	return v
}

// scalarText renders a JSON scalar as a path parameter value.
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, t != ""
	case json.Number:
		return t.String(), true
	case float64, int64, bool:
		return fmt.Sprint(t), true
	}
	return "", false
}

// WithPathParams returns a copy of o whose request (and the paths derived
// from it: collection, created resource, resource state) has the given
// path parameter values instead of the planned ones. o is unchanged.
func (o *Operation) WithPathParams(vals map[string]string) *Operation {
	c := *o
	if o.Request == nil || len(vals) == 0 {
		return &c
	}
	oldPath := o.Request.Path
	newPath := fillPath(requestPath(o.Path), oldPath, vals)
	req := *o.Request
	req.Path = newPath
	c.Request = &req
	re := func(p string) string {
		if p == "" {
			return p
		}
		if p == oldPath {
			return newPath
		}
		if rest, ok := strings.CutPrefix(p, strings.TrimRight(oldPath, "/")+"/"); ok {
			return strings.TrimRight(newPath, "/") + "/" + rest
		}
		if p == parentPath(oldPath) {
			return parentPath(newPath)
		}
		if pp := parentPath(oldPath); pp != "" && strings.HasPrefix(p, pp+"/") {
			return parentPath(newPath) + p[len(pp):]
		}
		return p
	}
	// Every planned read (reads.go) moves with the path it reads.
	reread := func(r *Request) *Request {
		if r == nil {
			return nil
		}
		cp := *r
		cp.Path = re(r.Path)
		return &cp
	}
	if o.Collection != nil {
		col := *o.Collection
		col.Path, col.Read = re(col.Path), reread(col.Read)
		c.Collection = &col
	}
	c.CreatedPath, c.CreatedRead = re(o.CreatedPath), reread(o.CreatedRead)
	if o.Resource != nil {
		r := *o.Resource
		r.Get, r.List = re(r.Get), re(r.List)
		r.GetRead, r.ListRead = reread(r.GetRead), reread(r.ListRead)
		c.Resource = &r
	}
	return &c
}

// fillPath rebuilds a concrete path from its template: a segment that is
// one whole parameter named in vals takes the escaped value; every other
// segment is kept as planned (concrete).
func fillPath(tmpl, concrete string, vals map[string]string) string {
	ts := strings.Split(tmpl, "/")
	cs := strings.Split(concrete, "/")
	if len(ts) != len(cs) {
		// a parameter inside a segment ("/files/{id}.json"): fill by text
		out := tmpl
		for name, v := range vals {
			out = strings.ReplaceAll(out, "{"+name+"}", url.PathEscape(v))
		}
		if !strings.Contains(out, "{") {
			return out
		}
		return concrete
	}
	for i, seg := range ts {
		if !strings.Contains(seg, "{") {
			continue
		}
		if isTemplateSegment(seg) {
			if v, ok := vals[seg[1:len(seg)-1]]; ok {
				cs[i] = url.PathEscape(v)
			}
			continue
		}
		// "{Sid}.json": fill by text when every parameter in it is given
		filled := seg
		for name, v := range vals {
			filled = strings.ReplaceAll(filled, "{"+name+"}", url.PathEscape(v))
		}
		if !strings.Contains(filled, "{") {
			cs[i] = filled
		}
	}
	return strings.Join(cs, "/")
}
