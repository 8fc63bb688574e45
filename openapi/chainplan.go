package openapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A path parameter is filled, in this order: the configuration (a fixed
// value, or {from, pointer}); the document's OpenAPI links (a response of
// another operation naming this one, with a runtime expression for the
// parameter); inference from the path: the parent collection's POST
// ("/v1/payments/{id}/refunds" ← "POST /v1/payments", the id read where its
// response schema has it: idpointer.go), else the PUT on the path up to the
// parameter, which creates the resource under a fresh id the client
// chooses ("/v1/customers/{id}" ← "PUT /v1/customers/{id}": freshid.go).
// Producers are planned like any operation, their own parameters chained
// in turn (multi-level paths), to maxChainDepth.

// maxChainDepth bounds parents of parents (and cycles in configured links).
const maxChainDepth = 4

// PathLink is a configured link: take a path parameter from another
// operation's response.
type PathLink struct {
	From    string // operationId or "METHOD /path"
	Pointer string // JSON pointer into its response body; "" infers (id, Location)
}

// planner plans operations once each, so a producer shared by many chained
// operations (createPayment) is planned once.
type planner struct {
	ctx context.Context
	doc *Document
	t   *openapi3.T
	ix  *planIndex // index.go
	// links and posts index the operations for chaining (built on first use).
	links map[string][]linkEntry
	posts map[string]opRef
	puts  map[string]opRef
	// items and deletes index the paths and DELETEs for removals
	// (cleanup.go, built on first use).
	items   map[string][]itemPath
	deletes map[string]opRef
	// props are the property names of the document's object schemas, and
	// propsOf indexes them by name, words joined (idpairs.go, built on
	// first use).
	props   [][]string
	propsOf map[string][]int
	opts    PlanOptions
	all     []opRef
	memo    map[string]*Operation
	busy    map[string]bool
}

func newPlanner(ctx context.Context, doc *Document, opts PlanOptions) *planner {
	all, _ := selectOps(doc.T, nil)
	return &planner{ctx: ctx, doc: doc, t: doc.T, ix: newPlanIndex(doc), opts: opts, all: all, memo: map[string]*Operation{}, busy: map[string]bool{}}
}

// plan plans r and chains its path parameters.
func (p *planner) plan(r opRef, depth int) *Operation {
	name := r.method + " " + r.path
	if o := p.memo[name]; o != nil {
		return o
	}
	r.ix = p.ix // index.go: built once per plan
	o := planOne(p.ctx, p.t, r, p.opts)
	o.Position = p.doc.opPosition(r.op)
	p.memo[name] = &o
	if o.Skip == "" && depth <= maxChainDepth {
		p.busy[name] = true
		p.chain(&o, r, depth)
		delete(p.busy, name)
	}
	return &o
}

// chain finds the link of every path parameter of o that is not fixed, and
// records those that nothing makes (chainunmade.go).
func (p *planner) chain(o *Operation, r opRef, depth int) {
	ov := p.opts.override(r)
	params := pathParams(r)
	links := make([]*Link, len(params))
	fixed := make([]bool, len(params))
	whyNot := make([]string, len(params))
	for i, param := range params {
		if ov != nil {
			if _, ok := ov.PathParams[param]; ok {
				fixed[i] = true
				continue
			}
		}
		l, note := p.linkFor(r, ov, param, depth)
		if note != "" {
			o.Notes = append(o.Notes, note)
		}
		links[i], whyNot[i] = l, note
	}
	if r.method == http.MethodDelete {
		p.freshTarget(o, r, params, links, fixed) // chainunmade.go
	}
	for i, param := range params {
		if l := links[i]; l != nil {
			o.Chain = append(o.Chain, *l)
			if l.Fresh == nil || !l.Fresh.Unmade {
				continue
			}
		}
		if !fixed[i] {
			o.Unresolved = append(o.Unresolved, unresolvedParam(o, r, param, whyNot[i]))
		}
	}
}

// pathParams are the template names of r's path, in order.
func pathParams(r opRef) []string {
	var out []string
	rest := requestPath(r.path)
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

// linkFor finds where param comes from; a note says why a link that was
// asked for (configured, or a parent that exists) cannot be used.
func (p *planner) linkFor(r opRef, ov *Override, param string, depth int) (*Link, string) {
	if ov != nil {
		if pl, ok := ov.PathLinks[param]; ok {
			pr, ok := p.find(pl.From)
			if !ok {
				return nil, fmt.Sprintf("%s: path_params.%s: no mutating operation %q to take it from", ov.Source, param, pl.From)
			}
			l := &Link{Param: param, Pointer: pl.Pointer, Source: ov.Source}
			if pl.Pointer == "" {
				l = p.inferredLink(pr, param, paramExamples(r, param))
				l.Source = ov.Source + " (" + sourceInferred + ")"
			}
			return p.producer(l, pr, depth)
		}
	}
	if l, pr, ok := p.documentLink(r, param); ok {
		return p.producer(l, pr, depth)
	}
	if pr, shared, ok := p.parentCreate(r, param); ok {
		l := p.inferredLink(pr, param, paramExamples(r, param))
		l.Shared = renamed(shared)
		return p.producer(l, pr, depth)
	}
	if pr, shared, self, ok := p.putCreate(r, param); ok {
		return p.freshLink(r, pr, shared, self, param, depth)
	}
	return nil, ""
}

// inferredLink reads param from the create pr's response: the field its
// 2xx schema names it with (idpointer.go; examples are the values the
// document shows for param), else the Location header it declares, else
// "/id" (which the plan then marks as not in the schema).
func (p *planner) inferredLink(pr opRef, param string, examples []string) *Link {
	l := &Link{Param: param, Pointer: "/id", Source: sourceInferred, Beside: p.beside(param, pr.path)}
	if ptr := idPointer(pr, param, examples, l.Beside); ptr != "" {
		l.Pointer = ptr
	} else if _, location := producerBodies(pr); location {
		l.Pointer, l.Header = "", "Location"
	}
	return l
}

// producer plans the producing operation of l; a producer that cannot be
// planned leaves the parameter to its planned value, with a note.
func (p *planner) producer(l *Link, pr opRef, depth int) (*Link, string) {
	name := pr.method + " " + pr.path
	if p.busy[name] || depth >= maxChainDepth {
		return nil, fmt.Sprintf("path parameter {%s}: %s is not used as its producer (a cycle, or parents nested deeper than %d)", l.Param, pr.id(), maxChainDepth)
	}
	prod := p.plan(pr, depth+1)
	if prod.Skip != "" {
		return nil, fmt.Sprintf("path parameter {%s}: its producer %s cannot be planned (%s), so the planned value is sent", l.Param, prod.ID, prod.Skip)
	}
	l.From, l.Producer = prod.ID, prod
	// A pointer the producer's response schema does not have is shown as
	// such: the value may well not be there (plan marks it).
	l.NotInSchema = l.Fresh == nil && l.Header == "" && pointerPresence(pr, l.Pointer) == presenceNo
	return l, ""
}

// find returns the mutating operation named by an operationId or "METHOD /path".
func (p *planner) find(name string) (opRef, bool) {
	for _, r := range p.all {
		if r.name().Matches(name) {
			return r, true
		}
	}
	return opRef{}, false
}

// documentLink finds an OpenAPI link to r, on a 2xx response of a POST or
// PUT, that sets param with $response.body#/ptr or $response.header.NAME.
func (p *planner) documentLink(r opRef, param string) (*Link, opRef, bool) {
	for _, e := range p.linksTo(r) { // index: in plan order, as a scan of all would meet them
		pr, name, lv := e.from, e.name, e.link
		if pr.path == r.path && pr.method == r.method {
			continue
		}
		for _, pname := range []string{param, "path." + param} {
			expr, ok := lv.Parameters[pname].(string)
			if !ok {
				continue
			}
			l := &Link{Param: param, Source: "OpenAPI link " + name}
			switch {
			case strings.HasPrefix(expr, "$response.body#"):
				l.Pointer = strings.TrimPrefix(expr, "$response.body#")
				if l.Pointer == "" {
					l.Pointer = "/"
				}
			case strings.HasPrefix(expr, "$response.header."):
				l.Header = strings.TrimPrefix(expr, "$response.header.")
			default:
				continue // a constant or a request expression: not a chain
			}
			return l, pr, true
		}
	}
	return nil, opRef{}, false
}

// linkEntry is one OpenAPI link on a 2xx response of a POST or PUT.
type linkEntry struct {
	from opRef
	name string
	link *openapi3.Link
}

// linksTo returns the links that target r, from an index built once per
// plan (a scan of every operation per parameter made planning quadratic).
func (p *planner) linksTo(r opRef) []linkEntry {
	if p.links == nil {
		p.links = map[string][]linkEntry{}
		for _, pr := range p.all {
			if pr.method != http.MethodPost && pr.method != http.MethodPut || pr.op.Responses == nil {
				continue
			}
			for _, code := range sortedKeys(pr.op.Responses.Map()) {
				resp := pr.op.Responses.Value(code)
				if !strings.HasPrefix(code, "2") || resp == nil || resp.Value == nil {
					continue
				}
				for _, name := range sortedKeys(resp.Value.Links) {
					lr := resp.Value.Links[name]
					if lr == nil || lr.Value == nil {
						continue
					}
					e := linkEntry{from: pr, name: name, link: lr.Value}
					for _, k := range linkKeys(lr.Value) {
						p.links[k] = append(p.links[k], e)
					}
				}
			}
		}
	}
	var out []linkEntry
	if r.op.OperationID != "" {
		out = append(out, p.links["id "+r.op.OperationID]...)
	}
	return append(out, p.links["ref "+operationRef(r)]...)
}

// linkKeys are the index keys of the operation a link targets: by
// operationId, or by its operationRef's fragment (escaped or not).
func linkKeys(l *openapi3.Link) []string {
	if l.OperationID != "" {
		return []string{"id " + l.OperationID}
	}
	if l.OperationRef == "" {
		return nil
	}
	_, frag, _ := strings.Cut(l.OperationRef, "#")
	if u := unescape(frag); u != frag {
		return []string{"ref " + frag, "ref " + u}
	}
	return []string{"ref " + frag}
}

// operationRef is r's operationRef fragment: "/paths/<escaped path>/<method>".
func operationRef(r opRef) string {
	return "/paths/" + strings.ReplaceAll(strings.ReplaceAll(r.path, "~", "~0"), "/", "~1") + "/" + strings.ToLower(r.method)
}

// parentCreate infers the producer of param from the path: the POST on the
// path up to the segment before {param} ("/v1/payments" for the {id} of
// "/v1/payments/{id}/refunds"), matched by shape (chainshape.go); shared
// maps the producer's path parameters to r's.
func (p *planner) parentCreate(r opRef, param string) (pr opRef, shared map[string]string, ok bool) {
	own := requestPath(r.path)
	segs := strings.Split(strings.TrimRight(own, "/"), "/")
	for i, seg := range segs {
		rest, found := strings.CutPrefix(seg, "{"+param+"}")
		if !found || i < 2 || rest != "" && !strings.HasPrefix(rest, ".") {
			continue
		}
		if isTemplateSegment(segs[i-1]) {
			return opRef{}, nil, false // "/a/{x}/{y}": no collection names {y}
		}
		// "/Calls/{Sid}.json" ← "POST /Calls.json"; "/Accounts/{AccountSid}/Calls.json" ← "POST /Accounts.json"
		for _, parent := range parentCandidates(strings.Join(segs[:i], "/"), rest, own) {
			if pr, ok := p.creates()[pathShape(parent)]; ok {
				return pr, sharedParams(pr.path, segs[:i]), true
			}
		}
	}
	return opRef{}, nil, false
}

// creates indexes the POSTs by the shape of their collection path (once per
// plan): the first in plan order for each, as a scan of all would find.
func (p *planner) creates() map[string]opRef {
	if p.posts == nil {
		p.posts = map[string]opRef{}
		for _, pr := range p.all {
			if pr.method != http.MethodPost || pr.path != requestPath(pr.path) {
				continue
			}
			k := pathShape(strings.TrimRight(requestPath(pr.path), "/"))
			if _, seen := p.posts[k]; !seen {
				p.posts[k] = pr
			}
		}
	}
	return p.posts
}
