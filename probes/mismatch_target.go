package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// mismatchTargetProbe reuses a key, with the same body, on another target:
// the same operation on another resource (another value of its last path
// parameter), and another keyed operation of the API. A server whose
// fingerprint ignores the path answers the other target with the first
// target's stored result: a false replay, and nothing done there.
//
// The second resource is real: it is created with the POST of the parent
// collection ("POST /v1/payments" for "POST /v1/payments/{id}/refunds"), and
// its id read from the response (id field or Location). Without such a POST
// the resource half is skipped with the reason; idemcheck does not guess ids.
//
// Control: each other target is sent with a fresh key and must be processed,
// so it is a valid request. Treatment: R with K, then each other target with
// K. Rejecting it (4xx) and processing it on its own (keys scoped per
// endpoint) are both correct; R's stored result is not.
type mismatchTargetProbe struct{}

func (mismatchTargetProbe) ID() string { return "mismatch-target" }
func (mismatchTargetProbe) Title() string {
	return "key reused on another resource or operation is not replayed"
}
func (mismatchTargetProbe) Severity() Severity { return Major }
func (mismatchTargetProbe) Applies(op *openapi.Operation) string {
	return needsKey(op)
}

// exclusive: the probe creates a parent resource and sends another
// operation's request, which must not land in another probe's counts.
func (mismatchTargetProbe) exclusive() bool { return true }

// target is another place to send the key to.
type target struct {
	what     string // "another payment (id=pay_x)", "operation createRefund"
	op       *openapi.Operation
	req      *openapi.Request
	observer Observer // nil when its side effects cannot be counted
}

func (mismatchTargetProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	res.Rule = "draft-ietf-httpapi-idempotency-key-header §2.2 and §2.7: the fingerprint of a request covers its target (method and path) as well as its payload; a key reused on another resource or operation is rejected, or treated as a new key for that endpoint, never answered with the stored result"
	res.Fix = "include the method and the concrete path in the request fingerprint (or scope keys per resource and endpoint), so a key reused on another target is rejected with 422 or processed on its own"

	var targets []target
	var skipped []string
	if t, why := otherResource(ctx, x); t != nil {
		targets = append(targets, *t)
	} else if why != "" {
		skipped = append(skipped, "another resource: "+why)
	}
	if t, why := otherOperation(x); t != nil {
		targets = append(targets, *t)
	} else {
		skipped = append(skipped, "another operation: "+why)
	}

	// Controls first: a target that is not processed with a fresh key is
	// not a valid request, and a rejection there would prove nothing. The
	// control's side effect there is measured too: only an observer that
	// showed the control's effect can show that a reuse did nothing.
	var valid []target
	controls := map[string]*reply{}
	seesEffect := map[string]bool{}
	var unobserved []string
	for _, t := range targets {
		var c *reply
		label := "control: " + t.what + ", fresh key"
		effect, observed, err := measureOn(ctx, x, t.observer, label, func() error {
			var err error
			c, err = sendTarget(ctx, x, t, label, x.Key())
			return err
		})
		if err != nil {
			errorf(res, "control on %s: %v", t.what, err)
			return
		}
		if !c.is2xx() {
			skipped = append(skipped, fmt.Sprintf("%s: not processed even with a fresh key (status %d)", t.what, c.Status))
			continue
		}
		controls[t.what] = c
		valid = append(valid, t)
		seesEffect[t.what] = observed && effect > 0
		if t.observer != nil && !seesEffect[t.what] {
			unobserved = append(unobserved, fmt.Sprintf("%s: %s showed no effect of the control (%+d), so a reuse there is judged on its response only", t.what, t.observer.Name(), effect))
		}
	}
	if len(valid) == 0 {
		skip(res, "no other target to reuse the key on: "+strings.Join(skipped, "; "))
		return
	}

	key := x.Key()
	first := x.sendProcessed(ctx, res, "first: R with K", key, nil)
	if first == nil {
		return
	}

	prof := x.Profile()
	var problems, outcomes []string
	for _, t := range valid {
		var reuse *reply
		effect, observed, err := measureOn(ctx, x, t.observer, "reuse: "+t.what+", same key K", func() error {
			var err error
			reuse, err = sendTarget(ctx, x, t, "reuse: "+t.what+", same key K", key)
			return err
		})
		if err != nil {
			errorf(res, "reuse on %s: %v", t.what, err)
			return
		}
		firstID, control := resourceID(first), controls[t.what]
		marker, _ := prof.replayMarker(reuse)
		switch {
		case reuse.is2xx() && diffReplies(first, reuse, x.Env.IgnoreFields) == "":
			problems = append(problems, fmt.Sprintf("%s was answered with R's stored result (status %d, identical body): the fingerprint ignores the target", t.what, reuse.Status))
		case reuse.is2xx() && marker != "":
			problems = append(problems, fmt.Sprintf("%s was answered with a response marked %s although K was never used there", t.what, marker))
			res.Diffs = append(res.Diffs, fmt.Sprintf("R vs %s (-R +other):\n%s", t.what, diffReplies(first, reuse, x.Env.IgnoreFields)))
		case reuse.is2xx() && firstID != "" && resourceID(reuse) == firstID && resourceID(control) != firstID:
			problems = append(problems, fmt.Sprintf("%s was answered about R's resource %q: a false replay", t.what, firstID))
			res.Diffs = append(res.Diffs, fmt.Sprintf("R vs %s (-R +other):\n%s", t.what, diffReplies(first, reuse, x.Env.IgnoreFields)))
		case reuse.is2xx() && observed && seesEffect[t.what] && effect == 0:
			problems = append(problems, fmt.Sprintf("%s answered %d but nothing happened there (side effect %+d): a false replay", t.what, reuse.Status, effect))
		case reuse.Status >= 500:
			problems = append(problems, fmt.Sprintf("%s got a server error (%d) for a valid request with a reused key", t.what, reuse.Status))
		case reuse.is2xx():
			outcomes = append(outcomes, fmt.Sprintf("%s: processed on its own (%d)", t.what, reuse.Status))
		default:
			outcomes = append(outcomes, fmt.Sprintf("%s: rejected (%d)", t.what, reuse.Status))
		}
	}
	if len(skipped) > 0 {
		outcomes = append(outcomes, "not tried: "+strings.Join(skipped, "; "))
	}
	if len(unobserved) > 0 {
		res.Diffs = append(res.Diffs, "side effects not observed on "+strings.Join(unobserved, "; "))
	}
	if len(problems) > 0 {
		fail(res, strings.Join(problems, "; "))
		return
	}
	pass(res, "the key reused elsewhere was never answered with R's result: "+strings.Join(outcomes, "; "))
}

// otherResource makes the operation's request on another resource: it
// creates one with the POST of the parent collection of the last path
// parameter and substitutes its id. It returns why not when impossible.
func otherResource(ctx context.Context, x *Experiment) (*target, string) {
	op := x.Op
	tmpl := strings.Split(strings.TrimRight(op.Path, "/"), "/")
	conc := strings.Split(strings.TrimRight(op.Request.Path, "/"), "/")
	if len(tmpl) != len(conc) {
		return nil, "the path's parameters could not be matched to the planned URL"
	}
	i := len(tmpl) - 1
	for ; i > 0 && !isParam(tmpl[i]); i-- {
	}
	if i <= 0 {
		return nil, "" // no path parameter: nothing to vary, nothing to report
	}
	parentTmpl := strings.Join(tmpl[:i], "/")
	parentConc := strings.Join(conc[:i], "/")
	var parent *openapi.Operation
	for j := range x.Env.ops {
		p := &x.Env.ops[j]
		if p.Method == http.MethodPost && strings.TrimRight(p.Path, "/") == parentTmpl && p.Skip == "" && p.Request != nil && p.Request.Path == parentConc {
			parent = p
			break
		}
	}
	if parent == nil {
		return nil, fmt.Sprintf("no planned POST %s creates a second %s", parentTmpl, tmpl[i])
	}
	req, err := buildFor(x.Env, parent, keyFor(x, parent), nil)
	if err != nil {
		return nil, fmt.Sprintf("build POST %s: %v", parentTmpl, err)
	}
	created, err := x.Do(ctx, "setup: create a second "+tmpl[i]+" with POST "+parentTmpl, req)
	if err != nil || !created.is2xx() {
		return nil, fmt.Sprintf("POST %s did not create a second %s (%v)", parentTmpl, tmpl[i], statusOrErr(created, err))
	}
	id := resourceID(created)
	if id == "" || url.PathEscape(id) == conc[i] {
		return nil, fmt.Sprintf("POST %s answered no new id (no id field, no Location)", parentTmpl)
	}
	r := *op.Request
	path := append([]string(nil), conc...)
	path[i] = url.PathEscape(id)
	r.Path = strings.Join(path, "/")
	t := &target{what: fmt.Sprintf("another %s (%s)", strings.Trim(tmpl[i], "{}"), id), op: op, req: &r}
	if op.Collection != nil && op.Collection.Path == op.Request.Path {
		t.observer = &CollectionObserver{Path: r.Path}
	}
	return t, ""
}

// otherOperation picks another planned operation that takes its key in the
// same place, so K means the same thing there.
func otherOperation(x *Experiment) (*target, string) {
	for j := range x.Env.ops {
		o := &x.Env.ops[j]
		if o.ID == x.Op.ID || o.Skip != "" || o.Request == nil || o.Key.In != x.Op.Key.In || !strings.EqualFold(o.Key.Name, x.Op.Key.Name) {
			continue
		}
		return &target{what: "operation " + o.ID, op: o, req: o.Request, observer: x.Env.Observer(o)}, ""
	}
	return nil, "no other planned operation takes the key " + x.Op.Key.String()
}

// keyFor is a fresh key when op takes one, else none.
func keyFor(x *Experiment, op *openapi.Operation) string {
	if op.Key.In == openapi.KeyNone {
		return ""
	}
	return x.Key()
}

// sendTarget builds t's request with key and sends it, recorded under label.
// A processed reply is also shown to t's observer when it learns from
// replies (the resource observer of another operation must learn what was
// created there, or it counts nothing and every 2xx looks like a false
// replay).
func sendTarget(ctx context.Context, x *Experiment, t target, label, key string) (*reply, error) {
	// The key's canary goes in as in R (send.go): on the same operation
	// with K the body must be R's exactly, canary included.
	req, err := t.req.Build(x.Env.BaseURL, t.op.Key, key, withCanary(x.Env, t.op, key, nil), x.Env.Header)
	if err != nil {
		return nil, err
	}
	r, err := x.Do(ctx, label, req)
	if w, ok := t.observer.(responseWatcher); ok && r.is2xx() {
		w.saw(x.Env, r)
	}
	return r, err
}

// measureOn is Experiment.Measure with another target's observer (none: the
// step just runs, observed is false). Both snapshots settle
// (observe_settle.go). Items carrying the experiment's canary prefix are
// counted once either snapshot shows one; otherwise the raw count, which
// says nothing when a list has more pages than were read (a new item on a
// newest-first list leaves the count at the cap): observed is then false.
func measureOn(ctx context.Context, x *Experiment, obs Observer, label string, step func() error) (delta int, observed bool, err error) {
	if obs == nil {
		return 0, false, step()
	}
	take := func(ctx context.Context) (Snapshot, error) {
		s, err := obs.Snapshot(ctx, x.Env)
		if err != nil {
			return Snapshot{}, fmt.Errorf("observe %s: %w", obs.Name(), err)
		}
		return s, nil
	}
	prefix := x.Env.canary
	agree := func(a, b Snapshot) bool {
		attributed := prefix != "" && (hasCanary(a, prefix) || hasCanary(b, prefix))
		if attributed {
			return sameIDs(canaryItems(a.Items, prefix), canaryItems(b.Items, prefix))
		}
		return a.Count == b.Count && a.Truncated == b.Truncated
	}
	before, _, err := settle(ctx, settleInterval, take, agree)
	if err != nil {
		return 0, true, err
	}
	if err := step(); err != nil {
		return 0, true, err
	}
	after, _, err := settle(ctx, settleInterval, take, agree)
	if err != nil {
		return 0, true, err
	}
	e := Effect{Observer: obs.Name(), Step: label, Before: before.Count, After: after.Count}
	switch attributed := prefix != "" && (hasCanary(before, prefix) || hasCanary(after, prefix)); {
	case attributed:
		e.Before, e.After = len(canaryItems(before.Items, prefix)), len(canaryItems(after.Items, prefix))
	case (before.Truncated || after.Truncated) && !(before.Attributed && after.Attributed):
		cut := after
		if !cut.Truncated {
			cut = before
		}
		e.Note = fmt.Sprintf("not observed on %s: %s and its items do not carry the canary, so its count cannot show a new item", label, cut.truncation())
	}
	x.mu.Lock()
	x.effects = append(x.effects, e)
	x.mu.Unlock()
	if e.Note != "" {
		return 0, false, nil
	}
	return e.Delta(), true, nil
}

// hasCanary reports whether a snapshot shows an item carrying prefix.
func hasCanary(s Snapshot, prefix string) bool {
	for _, it := range s.Items {
		if strings.Contains(it.JSON, prefix) {
			return true
		}
	}
	return false
}

// isParam reports whether a path template segment is exactly one parameter.
func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}")
}

// statusOrErr describes a failed setup request.
func statusOrErr(r *reply, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("status %d", r.Status)
}
