package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/idemcheck/idemcheck/internal/ablate"
)

// PlanOptions selects operations and overrides key detection.
type PlanOptions struct {
	// Operations names the operations to plan, by operationId or as
	// "METHOD /path"; empty plans every mutating operation.
	Operations []string
	// KeyHeader names the idempotency key header, overriding detection.
	KeyHeader string
	// KeyField names the top-level body field that carries the key,
	// overriding detection.
	KeyField string
	// KeyFormat is the key's shape ("uuid", "ulid", "hex"; see KeyFormats)
	// for operations whose document does not declare one (--key-format);
	// "" keeps idemcheck's own keys.
	KeyFormat string
	// Overrides are the configuration file's settings per operation, keyed
	// by operationId or "METHOD /path"; see override.go.
	Overrides map[string]*Override
}

// mutating are the methods idemcheck plans, in the order it plans them.
var mutating = []string{http.MethodDelete, http.MethodPatch, http.MethodPost, http.MethodPut}

// Plan selects the mutating operations of doc, in path then method order,
// and plans each: where its key lives, one request proven valid against the
// document, a second valid body, and the collection beside a create. An
// operation that cannot be planned is returned with Skip set; Plan fails
// only for an unknown name in opts.Operations.
func Plan(ctx context.Context, doc *Document, opts PlanOptions) ([]Operation, error) {
	if doc == nil || doc.T == nil {
		return nil, errors.New("plan: no document")
	}
	ops, err := selectOps(doc.T, opts.Operations)
	if err != nil {
		return nil, err
	}
	planned := make([]*Operation, 0, len(ops))
	p := newPlanner(ctx, doc, opts) // chainplan.go
	for _, r := range ops {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		planned = append(planned, p.plan(r, 0))
	}
	p.removals() // cleanup.go: once every producer is planned
	out := make([]Operation, 0, len(planned))
	for _, o := range planned {
		out = append(out, *o)
	}
	return out, nil
}

// opRef is one operation of the document with where it sits.
type opRef struct {
	path   string // the path key as written
	method string // upper case
	item   *openapi3.PathItem
	op     *openapi3.Operation
	ix     *planIndex // what the planner looks up across the document; nil outside Plan
}

// id is operationId, or "METHOD /path".
func (r opRef) id() string {
	if r.op.OperationID != "" {
		return r.op.OperationID
	}
	return r.method + " " + r.path
}

// selectOps returns the requested (or all) mutating operations in order.
func selectOps(t *openapi3.T, names []string) ([]opRef, error) {
	var all []opRef
	if t.Paths != nil {
		paths := t.Paths.Map()
		keys := make([]string, 0, len(paths))
		for k := range paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, p := range keys {
			item := paths[p]
			if item == nil {
				continue
			}
			for _, m := range mutating {
				if op := item.GetOperation(m); op != nil {
					all = append(all, opRef{path: p, method: m, item: item, op: op})
				}
			}
		}
	}
	if len(names) == 0 {
		return all, nil
	}
	selected := make([]bool, len(all))
	var unknown []string
	for _, n := range names {
		hit := false
		for i, r := range all {
			if r.name().Matches(n) {
				selected[i], hit = true, true
			}
		}
		if !hit {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("plan: unknown or non-mutating operation(s): %s", strings.Join(unknown, ", "))
	}
	var sel []opRef
	for i, r := range all {
		if selected[i] {
			sel = append(sel, r)
		}
	}
	return sel, nil
}

// planOne plans one operation; a panic while planning becomes a Skip.
func planOne(ctx context.Context, t *openapi3.T, r opRef, opts PlanOptions) (o Operation) {
	o = Operation{ID: r.id(), Method: r.method, Path: r.path}
	defer func() {
		if p := recover(); p != nil {
			o.Request, o.AltBody, o.Collection = nil, nil, nil
			o.Skip = oneLine(fmt.Sprintf("internal error while planning: %v", p), 200)
		}
	}()
	if reason := unplannablePath(r.path); reason != "" {
		o.Skip = reason
		return o
	}
	s := newSynth(ctx, t, r)
	s.ov = opts.override(r)
	o.Key = s.configuredKey(detectKey(t, r, s.params, s.media, opts))
	o.Key.Format = keyFormatFor(o.Key, s.ov, opts)
	if f := o.Key.Format; f != nil && len(f.Enum) > 0 {
		s.notes = append(s.notes, fmt.Sprintf("the key must be one of %d values (enum): keys repeat, so experiments are not independent", len(f.Enum)))
	}
	s.key = o.Key
	o.Docs = describe(t, r, s.params, s.media, o.Key)
	req, skip := s.request()
	if skip != "" {
		o.Skip = s.ov.explain(skip)
		o.Notes = s.notes
		return o
	}
	o.Request = req
	o.AltBody, o.AltSkip = s.altBody(req)
	o.AltParams = s.altParams(req) // altparams.go
	o.ErrorBody = s.errorBody(req) // errorbody.go
	var whyNot []string
	o.Collection, whyNot = collection(ctx, t, r, req)
	o.Resource = resource(ctx, t, r, req, opts)
	s.observability(&o, whyNot)
	o.Notes = s.notes
	return o
}

// unplannablePath explains why a path cannot be turned into a URL. Express
// style ":id" segments are not OpenAPI templates: their value is unknown and
// the server would receive a literal ":id", so such operations are skipped.
func unplannablePath(p string) string {
	p = requestPath(p)
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ":") {
			return fmt.Sprintf("path segment %q is Express-style, not an OpenAPI {template}", seg)
		}
		if strings.ContainsAny(seg, "<> ") {
			return fmt.Sprintf("path segment %q is not a URL path", seg)
		}
	}
	return ""
}

// requestPath strips the URL fragment that some documents (Box) put in path
// keys to hold several operations on one real path: a client never sends it.
func requestPath(p string) string {
	if i := strings.IndexByte(p, '#'); i >= 0 {
		return p[:i]
	}
	return p
}

// collection finds the list beside a create: the GET on the same path as
// a POST, when its 2xx response is a list (listshape.go). A GET that
// answers one object is the state an update-style POST changes (resource.go
// reads it back), never a list; one whose schema does not say is read as a
// list only on a collection path (its last segment not a parameter), its
// items looked for at run time. whyNot says why the same-path GET is not
// the collection, for the plan.
func collection(ctx context.Context, t *openapi3.T, r opRef, req *Request) (*Collection, []string) {
	if r.method != http.MethodPost {
		return nil, nil
	}
	getPath, item := r.path, r.item
	if item.Get == nil {
		getPath = requestPath(r.path)
		if item = t.Paths.Value(getPath); item == nil || item.Get == nil || item == r.item {
			return nil, nil
		}
	}
	return listAt(ctx, t, r, req, getPath, item, req.Path)
}

// listAt plans the GET of item (at the path key getPath, concrete at
// concrete) as the list that counts w's side effects; nil, with why not,
// when its response is not a list.
func listAt(ctx context.Context, t *openapi3.T, w opRef, req *Request, getPath string, item *openapi3.PathItem, concrete string) (*Collection, []string) {
	sh := getShape(item.Get, getPath)
	if ablate.Off(ablate.ObserverShape) { // before part 2: every GET beside a write was its list
		sh.kind, sh.pointer = shapeList, ""
	}
	_, atItem := lastSegment(getPath)
	why := fmt.Sprintf("GET %s: %s", getPath, sh.why)
	switch {
	case sh.kind == shapeList:
	case sh.kind == shapeUnknown && !atItem:
		why += ", so it is read as a list on its collection path and its items are looked for in the response"
	case sh.kind == shapeObject:
		return nil, []string{why + "; a read-back of the state, not a list"}
	default:
		return nil, []string{why + "; not taken for a list: its path names one item"}
	}
	read, note := planRead(ctx, t, w, req, getPath, item, "")
	c := &Collection{Path: concrete, Pointer: sh.pointer, Why: why, Read: read}
	if read != nil {
		c.Path = read.Path
	}
	if note != "" {
		c.Why += "; " + note
	}
	return c, nil
}
