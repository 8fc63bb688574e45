package openapi

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Every request valid, reads included: TestSpecsValidate also validates
// every read the probes would send (reads.go) with
// openapi3filter.ValidateRequest: the lists that count side effects, the
// created resources' GET-by-id (their id segment filled with a value valid
// for it, as a server's id would be), and the read-backs and lists of the
// natural probes. Each distinct read is validated once per document.

// plannedRead is one read of an operation, labelled for failures.
type plannedRead struct {
	what string // "list", "created", "read-back", "list one level up"
	req  *Request
}

// readsOf are the reads the probes send for o.
func readsOf(o *Operation) []plannedRead {
	var out []plannedRead
	if c := o.Collection; c != nil {
		out = append(out, plannedRead{"list", readOr(c.Read, c.Path)})
	}
	if o.CreatedPath != "" {
		out = append(out, plannedRead{"created", readOr(o.CreatedRead, o.CreatedPath)})
	}
	if r := o.Resource; r != nil {
		if r.Get != "" {
			out = append(out, plannedRead{"read-back", readOr(r.GetRead, r.Get)})
		}
		if r.List != "" {
			out = append(out, plannedRead{"list one level up", readOr(r.ListRead, r.List)})
		}
	}
	return out
}

// readOr is the planned read, or a bare GET of path when none was planned.
func readOr(r *Request, path string) *Request {
	if r != nil {
		return r
	}
	return &Request{Method: http.MethodGet, Path: path}
}

// readValidator validates the reads of one document.
type readValidator struct {
	ctx    context.Context
	t      *openapi3.T
	routes []readRoute
	seen   map[string]bool
	total  int
	failed []string
	bad    int
}

// readRoute is a GET of the document, matched by its path template.
type readRoute struct {
	key   string // the path key
	re    *regexp.Regexp
	names []string
	lits  int // literal segments: the most specific route wins
}

func newReadValidator(ctx context.Context, t *openapi3.T) *readValidator {
	v := &readValidator{ctx: ctx, t: t, seen: map[string]bool{}}
	for _, key := range sortedKeys(t.Paths.Map()) {
		item := t.Paths.Value(key)
		if item == nil || item.Get == nil {
			continue
		}
		tmpl := requestPath(key)
		var names []string
		expr := "^" + quotedTemplateParam.ReplaceAllStringFunc(regexp.QuoteMeta(tmpl), func(m string) string {
			names = append(names, strings.Trim(m, `\{}`))
			return "([^/]*?)"
		}) + "$"
		re, err := regexp.Compile(expr)
		if err != nil {
			continue
		}
		lits := 0
		for _, seg := range strings.Split(tmpl, "/") {
			if !strings.Contains(seg, "{") {
				lits++
			}
		}
		v.routes = append(v.routes, readRoute{key: key, re: re, names: names, lits: lits})
	}
	sort.SliceStable(v.routes, func(i, j int) bool { return v.routes[i].lits > v.routes[j].lits })
	return v
}

// check validates one read of operation id, once per distinct request.
func (v *readValidator) check(id string, r plannedRead) {
	hr, err := r.req.Build(checkBaseURL, Key{}, "", nil, nil)
	if err != nil {
		v.fail(id, r, err)
		return
	}
	sig := hr.URL.String() + "\x00" + fmt.Sprint(hr.Header)
	if v.seen[sig] {
		return
	}
	v.seen[sig] = true
	v.total++
	if err := v.validate(r.req); err != nil {
		v.fail(id, r, err)
	}
}

func (v *readValidator) fail(id string, r plannedRead, err error) {
	v.bad++
	if len(v.failed) < 8 {
		v.failed = append(v.failed, fmt.Sprintf("%s: %s GET %s: %s", id, r.what, r.req.Path, oneLine(err.Error(), 200)))
	}
}

// validate finds the GET a read targets and validates the read against it;
// a template segment left in the path (a created resource's id) takes a
// value valid for its parameter.
func (v *readValidator) validate(req *Request) error {
	for _, rt := range v.routes {
		path := req.Path
		item := v.t.Paths.Value(rt.key)
		if strings.Contains(path, "{") {
			path = fillTemplate(v.ctx, v.t, rt.key, item, path)
		}
		m := rt.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		params, err := pathValues(requestPath(rt.key), path)
		if err != nil {
			return err
		}
		r := *req
		r.Path = path
		hr, err := r.Build(checkBaseURL, Key{}, "", nil, nil)
		if err != nil {
			return err
		}
		in := &openapi3filter.RequestValidationInput{
			Request:    hr.WithContext(v.ctx),
			PathParams: params,
			Route:      &routers.Route{Spec: v.t, Path: rt.key, PathItem: item, Method: http.MethodGet, Operation: item.Get},
			Options: &openapi3filter.Options{
				AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
				ExcludeResponseBody: true,
				SkipSettingDefaults: true,
			},
		}
		return cleanErr(openapi3filter.ValidateRequest(v.ctx, in))
	}
	return fmt.Errorf("no GET in the document matches %s", req.Path)
}

// fillTemplate puts, for each "{name}" left in path, a value valid for the
// GET's parameter of that name, as a server's id would be.
func fillTemplate(ctx context.Context, t *openapi3.T, key string, item *openapi3.PathItem, path string) string {
	s := newSynth(ctx, t, opRef{path: key, method: http.MethodGet, item: item, op: item.Get})
	for _, p := range s.params {
		if p.In != openapi3.ParameterInPath || !strings.Contains(path, "{"+p.Name+"}") {
			continue
		}
		if val, ok := s.paramValue(p); ok {
			path = strings.ReplaceAll(path, "{"+p.Name+"}", val)
		}
	}
	return path
}
