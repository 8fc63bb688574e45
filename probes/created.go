package probes

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/idemcheck/idemcheck/openapi"
)

// A check leaves on the server what its requests created: the payments of
// every control and round, the parents chains made. Each experiment records
// what it saw created (Result.Created), so that `check --cleanup` can remove
// exactly that (remove.go) and say what it could not.
//
// Only what the run saw processed counts, and only what is surely new: a
// POST answered 201, or a 2xx that shows the request's own canary and names
// an id that is not one its path already named (a POST on
// /v1/payments/{id}/capture answers with the payment it acted on); a PUT on
// an id this experiment made up (chain.go), or answered 201. A replay names
// what its first request created and is recorded once. A resource that
// existed before the run is never recorded, so never removed.

// Created is a resource the run created, and how it is removed.
type Created struct {
	// Operation is the creating operation: "createPayment (POST /v1/payments)".
	Operation string
	// ID is the resource's id as the create's response named it; "" when
	// none could be read.
	ID string
	// Path is the concrete path of the DELETE that removes it; "" when
	// nothing can (Why says why).
	Path string
	// Delete is the planned DELETE (its required parameters); nil when
	// there is none.
	Delete *openapi.Operation
	// Why says why it cannot be removed, when Path is "".
	Why string
	// Canary is the canary the create's request carried: its prefix is the
	// experiment's, by which the rest can be found; "" when the operation
	// has no canary field.
	Canary string
	// Removed says how the run itself already removed it (natural-delete's
	// DELETE); "" when it did not.
	Removed string
	// Header holds the values of the user's headers (-H, --other-header)
	// the create was sent with: it is removed as the same principal.
	// Never reported.
	Header http.Header
	// Seq orders creations across the run: parents before children.
	Seq int64

	body [sha256.Size]byte // the create's response, to tell a replay elsewhere
	op   string            // the creating operation's ID
}

// CanaryTag starts every canary a run writes (canary.go): what a run
// created and left can be found by it.
const CanaryTag = canaryTag

// createdSeq numbers creations across every run of the process; only their
// order matters.
var createdSeq atomic.Int64

// bodyFor is the body of a request the experiment sends to another
// operation p with key (a parent's create, mismatch-target's other
// operation): p's planned body with the experiment's canary (withCanary),
// or, when the operation under test has no canary to give (no free-form
// field), with one of a prefix of the experiment's own for such requests,
// so that every resource the run creates carries a canary.
func (x *Experiment) bodyFor(p *openapi.Operation, key string) *openapi.Body {
	if x.canary != "" || p.Canary == "" || p.Request == nil {
		return withCanary(x, p, key, nil)
	}
	x.mu.Lock()
	if x.setupCanary == "" {
		x.setupCanary = newCanary()
	}
	prefix := x.setupCanary
	x.mu.Unlock()
	return p.Request.Body.WithPointer(p.Canary, canaryFor(prefix, key))
}

// noteFresh remembers an id this experiment made up for a resource it
// creates with a PUT (chain.go): a PUT on it created the resource.
func (x *Experiment) noteFresh(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fresh == nil {
		x.fresh = map[string]bool{}
	}
	x.fresh[id] = true
}

// noteSent records what req, answered r, created or deleted. op is the
// planned operation req was built from; nil finds it among the run's
// operations by method and path.
func (x *Experiment) noteSent(env *Env, op *openapi.Operation, req *http.Request, r *reply) {
	if req == nil || r == nil {
		return
	}
	path := x.relativePath(env, req)
	if req.Method == http.MethodDelete {
		if r.is2xx() || r.Status == http.StatusNotFound || r.Status == http.StatusGone {
			x.markRemoved(path, fmt.Sprintf("DELETE %s during the run (answered %d)", path, r.Status))
		}
		return
	}
	if !r.is2xx() || (req.Method != http.MethodPost && req.Method != http.MethodPut) {
		return
	}
	if op == nil {
		op = x.opOf(req.Method, path)
	}
	if op == nil || op.Removal == nil || op.Method != req.Method {
		return
	}
	target, id, why := op.Removal.Target(path, r.Header, r.Body)
	if req.Method == http.MethodPut {
		x.mu.Lock()
		fresh := x.fresh[id]
		x.mu.Unlock()
		if !fresh && r.Status != http.StatusCreated {
			return // it may have existed before: never ours to remove
		}
	} else {
		if id != "" && namesPathValue(path, id) {
			return // it acted on the resource its path names
		}
		if r.Status != http.StatusCreated && !x.showsOwnCanary(op, req, r) {
			if why == "" {
				why = fmt.Sprintf("answered %d, not 201 Created, without this run's canary: it may not be new", r.Status)
			}
			target = ""
		}
	}
	c := Created{
		Operation: fmt.Sprintf("%s (%s)", op.ID, op.Name()),
		ID:        id,
		Path:      target,
		Why:       why,
		Canary:    requestCanary(op, req),
		Header:    userHeaders(env, req),
		body:      sha256.Sum256(r.Body),
		op:        op.ID,
	}
	if target != "" {
		c.Delete = op.Removal.Op
	}
	x.addCreated(c)
}

// addCreated keeps c unless the experiment recorded it already: the same
// DELETE path, the same id from the same operation, or the same id in the
// same response from another one (a stored result replayed elsewhere).
func (x *Experiment) addCreated(c Created) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range x.created {
		switch {
		case c.Path != "" && k.Path == c.Path,
			c.ID != "" && k.ID == c.ID && (k.op == c.op || k.body == c.body),
			c.ID == "" && k.op == c.op && k.body == c.body:
			return
		}
	}
	c.Seq = createdSeq.Add(1)
	x.created = append(x.created, c)
}

// adopt takes what px, an experiment that only made parents for x (a
// round's, chain_round.go), created as x's own: the cleanup removes what
// the result records, and a PUT of x's on an id px made up creates it.
func (x *Experiment) adopt(px *Experiment) {
	for _, c := range px.Created() {
		x.addCreated(c)
	}
	px.mu.Lock()
	fresh := make([]string, 0, len(px.fresh))
	for id := range px.fresh {
		fresh = append(fresh, id)
	}
	px.mu.Unlock()
	for _, id := range fresh {
		x.noteFresh(id)
	}
}

// markRemoved notes that the run deleted the resource at path itself.
func (x *Experiment) markRemoved(path, how string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.created {
		if x.created[i].Path == path && x.created[i].Removed == "" {
			x.created[i].Removed = how
		}
	}
}

// Created returns what the experiment created, in order.
func (x *Experiment) Created() []Created {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]Created(nil), x.created...)
}

// opOf is the operation a request on path with method was built from: the
// experiment's own, else one of the run's.
func (x *Experiment) opOf(method, path string) *openapi.Operation {
	if x.Op.Method == method && matchesTemplate(x.Op.Path, path) {
		return x.Op
	}
	for _, t := range x.Env.targets {
		if t.Op.Method == method && matchesTemplate(t.Op.Path, path) {
			return t.Op
		}
	}
	return nil
}

// relativePath is req's escaped path without the base URL's own path
// ("/api" of http://host/api), as planned requests name paths.
func (x *Experiment) relativePath(env *Env, req *http.Request) string {
	p := req.URL.EscapedPath()
	if u, err := url.Parse(env.BaseURL); err == nil {
		p = strings.TrimPrefix(p, strings.TrimRight(u.EscapedPath(), "/"))
	}
	return p
}

// matchesTemplate reports whether the concrete path fits the template: the
// same literal segments, a parameter segment ("{id}", "{Sid}.json") for any
// value with the same literal around it.
func matchesTemplate(template, path string) bool {
	if i := strings.IndexByte(template, '#'); i >= 0 {
		template = template[:i]
	}
	ts := strings.Split(strings.TrimRight(template, "/"), "/")
	ps := strings.Split(strings.TrimRight(path, "/"), "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		open, close := strings.IndexByte(t, '{'), strings.LastIndexByte(t, '}')
		if open < 0 || close < open {
			if seg, err := url.PathUnescape(ps[i]); err != nil || seg != t {
				return false
			}
			continue
		}
		pre, post := t[:open], t[close+1:]
		if len(ps[i]) <= len(pre)+len(post) || !strings.HasPrefix(ps[i], pre) || !strings.HasSuffix(ps[i], post) {
			return false
		}
	}
	return true
}

// namesPathValue reports whether id is one of path's segments: the
// response names the resource the request acted on.
func namesPathValue(path, id string) bool {
	for _, seg := range strings.Split(path, "/") {
		if v, err := url.PathUnescape(seg); err == nil && v == id {
			return true
		}
	}
	return false
}

// showsOwnCanary reports whether r's body carries the canary req's body
// carries: the resource was made from this very request.
func (x *Experiment) showsOwnCanary(op *openapi.Operation, req *http.Request, r *reply) bool {
	c := requestCanary(op, req)
	return c != "" && strings.Contains(string(r.Body), c)
}

// requestCanary is the canary in req's body: the run's tag and what
// follows it, up to the canary's length; "" when the body carries none.
func requestCanary(op *openapi.Operation, req *http.Request) string {
	if op.Canary == "" {
		return ""
	}
	b := string(requestBody(req))
	i := strings.Index(b, canaryTag)
	if i < 0 || len(b) < i+openapi.CanaryLength {
		return ""
	}
	return b[i : i+openapi.CanaryLength]
}

// userHeaders are the values req carries of the headers the user set (-H,
// --other-header): the principal that made the request.
func userHeaders(env *Env, req *http.Request) http.Header {
	h := http.Header{}
	for _, set := range []http.Header{env.Header, env.OtherHeader} {
		for name := range set {
			if vs := req.Header.Values(name); len(vs) > 0 {
				h[http.CanonicalHeaderKey(name)] = append([]string(nil), vs...)
			}
		}
	}
	return h
}
