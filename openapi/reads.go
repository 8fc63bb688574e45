package openapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Every request valid, reads included (docs/design.md): the GETs that observe
// side effects and read state back are planned here like the writes are
// (synth.go, params.go), so a list that requires a query parameter
// (Box's GET /collaborations?status=…), a header (Cashfree's
// x-api-version) or a path parameter with a pattern gets one, in its
// style. A read's path shares the concrete segments of the write it
// observes (the same resource, re-pathed with it by WithPathParams); its
// other path parameters get schema-valid values, but for the id segment
// of a created resource's GET-by-id, which stays a template that the
// probes fill from the create's response.

// Observation says which observer the planner found for an operation's
// side effects and why, or why it found none: plan shows it.
type Observation struct {
	// By names the observer: "list GET /v1/payments at /data", "created
	// resource GET /v1/payments/{id}"; "" when there is none (the probes
	// then judge on the responses and say so).
	By string `json:"by,omitempty"`
	// Why says how it was found, or why none was.
	Why string `json:"why"`
	// ReadBack is the GET that reads the state the operation changes
	// (Resource.Get): the natural probes compare it; "" when none.
	ReadBack string `json:"read_back,omitempty"`
}

// planRead plans the GET of the path item at getPath (a path key of the
// document) as a read of what the write w, planned as req, acts on. Path
// parameters that the two templates share by position (or by name) take
// req's values; leave names a parameter kept as its template ("{id}",
// filled at run time); the others get schema-valid values. The request
// carries the GET's required query, header and cookie parameters. note
// says what is wrong with it when it could not be proven valid (it is
// kept: its GET is then expected to fail, and the probes do without it).
func planRead(ctx context.Context, t *openapi3.T, w opRef, req *Request, getPath string, item *openapi3.PathItem, leave string) (read *Request, note string) {
	if item == nil || item.Get == nil || req == nil {
		return nil, ""
	}
	defer func() {
		if p := recover(); p != nil {
			read, note = nil, oneLine(fmt.Sprintf("internal error while planning GET %s: %v", getPath, p), 200)
		}
	}()
	g := opRef{path: getPath, method: http.MethodGet, item: item, op: item.Get, ix: w.ix}
	s := newSynth(ctx, t, g)
	s.media = nil // a GET sends no body
	known := sharedValues(requestPath(w.path), req.Path, requestPath(getPath))
	read = &Request{Method: http.MethodGet, Query: url.Values{}, Header: http.Header{}}
	s.pathParams = map[string]string{}
	p, check := requestPath(getPath), requestPath(getPath)
	for _, prm := range s.params {
		switch {
		case prm.In == openapi3.ParameterInPath:
			v, ok := known[prm.Name]
			if !ok {
				if v, ok = s.paramValue(prm); !ok {
					return nil, fmt.Sprintf("GET %s: no value for its path parameter %q", getPath, prm.Name)
				}
			}
			s.pathParams[prm.Name] = v
			if prm.Name != leave {
				p = strings.ReplaceAll(p, "{"+prm.Name+"}", url.PathEscape(v))
			}
			check = strings.ReplaceAll(check, "{"+prm.Name+"}", url.PathEscape(v))
		case !prm.Required:
		case prm.In == openapi3.ParameterInQuery:
			if v, ok := s.paramAny(prm); ok {
				addQuery(read.Query, prm, v) // params.go: style and explode
			}
		case prm.In == openapi3.ParameterInCookie:
			if v, ok := s.paramAny(prm); ok {
				read.Header.Add("Cookie", cookieValue(prm, v))
			}
		case prm.In == openapi3.ParameterInHeader:
			switch strings.ToLower(prm.Name) {
			case "content-type", "accept":
				continue // Request.Build sets Accept
			}
			if v, ok := s.paramAny(prm); ok {
				read.Header.Set(prm.Name, simpleValue(prm, v))
			}
		}
	}
	// Template parameters the GET does not declare: those the write knows
	// keep its values; the rest are a document error the write's planner
	// already sends "idemcheck" for.
	for _, m := range templateParam.FindAllString(p, -1) {
		name := m[1 : len(m)-1]
		if name == leave {
			continue
		}
		v, ok := known[name]
		if !ok {
			v = "idemcheck"
		}
		p = strings.ReplaceAll(p, m, url.PathEscape(v))
		check = strings.ReplaceAll(check, m, url.PathEscape(v))
	}
	read.Path = p
	if len(read.Query) == 0 {
		read.Query = nil
	}
	if len(read.Header) == 0 {
		read.Header = nil
	}
	proof := *read
	proof.Path = check
	if err := s.check(&proof, nil); err != nil {
		return read, fmt.Sprintf("GET %s as planned is not valid (%s): reads there are expected to fail", getPath, oneLine(err.Error(), 200))
	}
	return read, ""
}

// sharedValues maps the path parameters of the GET template get to the
// raw values the write (template wt, concrete path wc) has for the same
// segments: a whole-parameter segment at the same position, or an
// identical templated segment ("{Sid}.json"), up to where the two paths
// part.
func sharedValues(wt, wc, get string) map[string]string {
	vals := templateValues(wt, wc)
	ws, gs := strings.Split(strings.TrimRight(wt, "/"), "/"), strings.Split(strings.TrimRight(get, "/"), "/")
	out := map[string]string{}
	for i, g := range gs {
		if i >= len(ws) {
			break
		}
		w := ws[i]
		switch {
		case isTemplateSegment(g) && isTemplateSegment(w):
			if v, ok := vals[w[1:len(w)-1]]; ok {
				out[g[1:len(g)-1]] = v
			}
		case g == w:
			for _, m := range templateParam.FindAllString(g, -1) {
				if v, ok := vals[m[1:len(m)-1]]; ok {
					out[m[1:len(m)-1]] = v
				}
			}
		default:
			return out
		}
	}
	return out
}

// templateValues reads the raw values of a template's parameters from a
// concrete path; empty when the path does not match.
func templateValues(tmpl, concrete string) map[string]string {
	var names []string
	expr := "^" + quotedParam.ReplaceAllStringFunc(regexp.QuoteMeta(strings.TrimRight(tmpl, "/")), func(m string) string {
		names = append(names, strings.Trim(m, `\{}`))
		return "([^/]*?)"
	}) + "$"
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil
	}
	m := re.FindStringSubmatch(strings.TrimRight(concrete, "/"))
	out := map[string]string{}
	for i, name := range names {
		if m == nil {
			break
		}
		if v, err := url.PathUnescape(m[i+1]); err == nil {
			out[name] = v
		}
	}
	return out
}

// quotedParam matches a "{name}" in a regexp.QuoteMeta'd template.
var quotedParam = regexp.MustCompile(`\\\{[^}]*\\\}`)

// observation says which observer the planner found for o, from what it
// planned (collection, created resource, resource state), and the reasons
// gathered on the way for what it did not take.
func observation(o *Operation, whyNot []string) *Observation {
	ob := &Observation{}
	if o.Resource != nil {
		ob.ReadBack = o.Resource.Get
	}
	switch {
	case o.Collection != nil:
		ob.By = "list GET " + o.Collection.Path + pointerNote(o.Collection.Pointer, o.Collection.Why)
		ob.Why = o.Collection.Why
	case o.CreatedPath != "":
		ob.By = "created resource GET " + o.CreatedPath
		ob.Why = "the GET by id beside the create reads each resource it makes"
	case o.Resource != nil && o.Resource.List != "" && o.Method != http.MethodPost:
		ob.By = "list GET " + o.Resource.List + pointerNote(o.Resource.ListPointer, o.Resource.ListWhy) + " (one level up, for the natural probes)"
		ob.Why = o.Resource.ListWhy
	case len(whyNot) > 0:
		ob.Why = "none: " + strings.Join(whyNot, "; ")
	case o.Method == http.MethodPost:
		ob.Why = "none: no list GET beside it and no GET by id of what it creates"
	default:
		ob.Why = "none: no list GET one level up"
	}
	return ob
}

// pointerNote says where a list's items are, for plans.
func pointerNote(ptr, why string) string {
	switch {
	case ptr != "":
		return " at " + ptr
	case strings.Contains(why, "is an array"):
		return " (top-level array)"
	}
	return " (items found at run time)"
}
