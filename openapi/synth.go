package openapi

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A planned request is only useful if a correct server would accept it: a
// probe that sends an invalid body measures validation, not idempotency. So
// every candidate (the document's examples first, then generated values) is
// checked with openapi3filter before it is kept; see check.go.

// synth builds the request of one operation.
type synth struct {
	ctx    context.Context
	t      *openapi3.T
	r      opRef
	params []*openapi3.Parameter // path item and operation parameters, merged
	media  *mediaChoice          // the body to send; nil when there is none
	key    Key
	notes  []string
	ov     *Override // the configuration's settings; nil when none (override.go)

	pathParams map[string]string // raw values, for the validator
}

// mediaChoice is the request body media type idemcheck sends.
type mediaChoice struct {
	name      string // "application/json"
	mt        *openapi3.MediaType
	required  bool
	form      bool
	multipart bool
	skip      string // why no body can be sent
}

func (m *mediaChoice) schema() *openapi3.SchemaRef {
	if m == nil || m.mt == nil {
		return nil
	}
	return m.mt.Schema
}

func newSynth(ctx context.Context, t *openapi3.T, r opRef) *synth {
	s := &synth{ctx: ctx, t: t, r: r}
	seen := map[string]int{}
	for _, list := range []openapi3.Parameters{r.item.Parameters, r.op.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			p := pr.Value
			id := p.In + "\x00" + strings.ToLower(p.Name)
			if i, ok := seen[id]; ok {
				s.params[i] = p // the operation's parameter overrides the path item's
				continue
			}
			seen[id] = len(s.params)
			s.params = append(s.params, p)
		}
	}
	s.media = chooseMedia(r.op)
	return s
}

// templateParam matches a "{name}" left in a path after substitution.
var templateParam = regexp.MustCompile(`\{[^{}/]*\}`)

// chooseMedia picks JSON, then form, from the request body's media types.
func chooseMedia(op *openapi3.Operation) *mediaChoice {
	if op.RequestBody == nil || op.RequestBody.Value == nil || len(op.RequestBody.Value.Content) == 0 {
		return nil
	}
	rb := op.RequestBody.Value
	names := make([]string, 0, len(rb.Content))
	for n := range rb.Content {
		names = append(names, n)
	}
	sort.Strings(names)
	rank := func(n string) int {
		base, _, _ := strings.Cut(strings.ToLower(n), ";")
		base = strings.TrimSpace(base)
		switch {
		case base == "application/json":
			return 0
		case strings.HasSuffix(base, "+json") || strings.HasSuffix(base, "/json"):
			return 1
		case base == "application/x-www-form-urlencoded":
			return 2
		case base == "*/*":
			return 3
		case base == "multipart/form-data":
			return 4
		}
		return 5
	}
	sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
	n := names[0]
	m := &mediaChoice{name: n, mt: rb.Content[n], required: rb.Required}
	switch rank(n) {
	case 2:
		m.form = true
	case 3:
		m.name = "application/json"
	case 4:
		m.multipart = true // multipart.go: objects go in JSON parts
	case 5:
		m.skip = fmt.Sprintf("request body media type %s is not supported", n)
	}
	return m
}

// request finds a valid request, or says why there is none.
func (s *synth) request() (*Request, string) {
	req := &Request{Method: s.r.method, Query: url.Values{}, Header: map[string][]string{}}
	s.pathParams = map[string]string{}
	path := requestPath(s.r.path)
	for _, p := range s.params {
		switch {
		case p.In == openapi3.ParameterInPath:
			v, ok := s.pathParamValue(p) // pathvalues.go: valid for the reads of the same resource too
			if !ok {
				return nil, fmt.Sprintf("no value for path parameter %q", p.Name)
			}
			s.pathParams[p.Name] = v
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case !p.Required:
		case p.In == openapi3.ParameterInQuery:
			if v, ok := s.paramAny(p); ok {
				addQuery(req.Query, p, v) // params.go: style and explode
			}
		case p.In == openapi3.ParameterInCookie:
			if v, ok := s.paramAny(p); ok {
				req.Header.Add("Cookie", cookieValue(p, v))
			}
		case p.In == openapi3.ParameterInHeader:
			if s.key.In == KeyHeader && strings.EqualFold(p.Name, s.key.Name) {
				continue // Request.Build adds the key
			}
			switch strings.ToLower(p.Name) {
			case "content-type", "accept":
				continue // Request.Build sets them
			}
			if v, ok := s.paramAny(p); ok {
				req.Header.Set(p.Name, simpleValue(p, v))
			}
		}
	}
	if undeclared := templateParam.FindAllString(path, -1); len(undeclared) > 0 {
		// A document error (Square's UpdateVendor): the server still needs a
		// value; send one and say so.
		for _, t := range undeclared {
			path = strings.ReplaceAll(path, t, "idemcheck")
		}
		s.notes = append(s.notes, fmt.Sprintf("path parameter(s) %s not declared in the document: sent as \"idemcheck\"", strings.Join(undeclared, ", ")))
	}
	req.Path = path
	if len(req.Query) == 0 {
		req.Query = nil
	}
	if len(req.Header) == 0 {
		req.Header = nil
	}

	if s.media != nil && s.media.skip != "" {
		if s.media.required {
			return nil, s.media.skip
		}
		s.notes = append(s.notes, s.media.skip+": sent without a body")
		s.media = nil
	}
	if s.media == nil {
		if err := s.check(req, nil); err != nil {
			return nil, "no valid request: " + oneLine(err.Error(), 200)
		}
		return req, ""
	}
	var firstErr error
	for _, c := range s.bodyCandidates() {
		b := &Body{ContentType: s.media.name, Value: c}
		err := s.check(req, b)
		if err == nil {
			req.Body = b
			return req, ""
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if !s.media.required {
		if err := s.check(req, nil); err == nil {
			s.notes = append(s.notes, "no valid body found; the optional body is left out")
			return req, ""
		}
	}
	if firstErr == nil {
		return nil, "no valid request: no body could be generated"
	}
	return nil, "no valid request: " + oneLine(firstErr.Error(), 200)
}

// bodyCandidates are the bodies to try, best first: the document's
// examples, then a generated value. The key field is removed from each.
func (s *synth) bodyCandidates() []any {
	var raw []any
	mt := s.media.mt
	if mt.Example != nil {
		raw = append(raw, mt.Example)
	}
	for _, name := range sortedKeys(mt.Examples) {
		if e := mt.Examples[name]; e != nil && e.Value != nil && e.Value.Value != nil && !s.isErrorExample(name) { // errorbody.go
			raw = append(raw, e.Value.Value)
		}
	}
	if sc := mt.Schema; sc != nil && sc.Value != nil && sc.Value.Example != nil {
		raw = append(raw, sc.Value.Example)
	}
	g := newGen(s.t)
	g.noEmpty = s.media.form || s.media.multipart
	if v, ok := g.top(mt.Schema, s.keyField()); ok {
		raw = append(raw, v)
	}
	if b, ok := s.ov.body(); ok {
		raw = []any{b} // the configured body replaces every candidate
	}
	var out []any
	for _, v := range raw {
		v = deepCopy(v)
		if m, ok := v.(map[string]any); ok {
			delete(m, s.keyField())
		}
		if s.media.form {
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			v = formValues(m)
		}
		out = append(out, v)
	}
	return out
}

// keyField is the body field that holds the key, "" when the key is elsewhere.
func (s *synth) keyField() string {
	if s.key.In == KeyBodyField || s.key.In == KeyFormField {
		return s.key.Name
	}
	return ""
}

// paramValue finds a value for a parameter: its example, then its schema's
// example, then a generated one.
func (s *synth) paramValue(p *openapi3.Parameter) (string, bool) {
	if v, ok := s.ov.pathParam(p); ok {
		return v, true
	}
	v, ok := s.paramAny(p)
	if !ok {
		return "", false
	}
	return simpleValue(p, v), true
}

// paramAny finds a value for a parameter as paramValue does, unserialised.
func (s *synth) paramAny(p *openapi3.Parameter) (any, bool) {
	var cands []any
	if p.Example != nil {
		cands = append(cands, p.Example)
	}
	for _, name := range sortedKeys(p.Examples) {
		if e := p.Examples[name]; e != nil && e.Value != nil && e.Value.Value != nil {
			cands = append(cands, e.Value.Value)
		}
	}
	g := newGen(s.t)
	if p.Schema != nil {
		if v, ok := g.value(p.Schema, p.Name, 0); ok {
			cands = append(cands, v)
		}
	}
	for _, c := range cands {
		if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.VisitJSON(c, formatOptions...) != nil {
			continue
		}
		if _, isObj := c.(map[string]any); isObj {
			return c, true
		}
		if str, ok := scalarString(c); ok && str != "" {
			return c, true
		}
	}
	if p.Schema == nil {
		return "idemcheck", true
	}
	return nil, false
}

// scalarString renders a parameter value; arrays are comma-joined (the
// default "simple" and "form" styles without explode).
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool, int64, int:
		return fmt.Sprint(t), true
	case float64:
		if t == float64(int64(t)) {
			return fmt.Sprint(int64(t)), true
		}
		return fmt.Sprint(t), true
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			p, ok := scalarString(e)
			if !ok {
				return "", false
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

// formValues turns JSON numbers that are whole into integers, so that a
// form body says amount=100 and not amount=1e+02.
func formValues(m map[string]any) map[string]any {
	var fix func(any) any
	fix = func(v any) any {
		switch t := v.(type) {
		case float64:
			if t == float64(int64(t)) {
				return int64(t)
			}
		case map[string]any:
			for k, e := range t {
				t[k] = fix(e)
			}
		case []any:
			for i, e := range t {
				t[i] = fix(e)
			}
		}
		return v
	}
	return fix(m).(map[string]any)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
