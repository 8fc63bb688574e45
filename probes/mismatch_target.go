package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

func (mismatchTargetProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "mismatch-target",
		Title:    "key reused on another resource or operation is not replayed",
		Severity: Major,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.2 and §2.7: the fingerprint of a request covers its target (method and path) as well as its payload; a key reused on another resource or operation is rejected, or treated as a new key for that endpoint, never answered with the stored result",
		Fix:      "include the method and the concrete path in the request fingerprint (or scope keys per resource and endpoint), so a key reused on another target is rejected with 422 or processed on its own",
	}
}

func (mismatchTargetProbe) Applies(op *openapi.Operation) string {
	return needsKey(op)
}

// touches implements scopedProbe: the probe creates a parent resource and
// sends another operation's request, which must not land in the counts of a
// probe running on those operations at the same time (exclusive.go).
func (mismatchTargetProbe) touches(env *run, op *openapi.Operation) []string {
	var names []string
	for _, o := range []*openapi.Operation{parentPost(env, op), otherOperationOf(env, op)} {
		if o == nil {
			continue
		}
		if obs := env.observerOf(o); obs != nil {
			names = append(names, obs.Name())
		}
	}
	return names
}

// target is another place to send the key to.
type target struct {
	what     string // "another payment (id=pay_x)", "operation createRefund"
	op       *openapi.Operation
	req      *openapi.Request
	observer Observer // nil when its side effects cannot be counted
}

func (mismatchTargetProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	var targets []target
	var skipped []string
	if t, why := otherResource(ctx, x); t != nil {
		targets = append(targets, *t)
	} else if why != "" {
		skipped = append(skipped, "another resource: "+why)
	}
	if t, why := otherOperation(x); t != nil {
		if len(t.op.Chain) > 0 { // its own parents, like any experiment's (chain.go)
			op, err := x.chained(ctx, x.run, t.op, 0, nil)
			if err != nil {
				skipped = append(skipped, t.what+": "+err.Error())
				t = nil
			} else {
				t.op, t.req, t.observer = op, op.Request, chainedObserver(t.observer, op)
			}
		}
		if t != nil {
			targets = append(targets, *t)
		}
	} else {
		skipped = append(skipped, "another operation: "+why)
	}

	// An observer inferred for this experiment's own paths (the other
	// resource's list, a chained operation's) passes the read-read control
	// first (observe_control.go); one the run vetted before it began needs
	// none.
	var unobserved []string
	for i := range targets {
		t := &targets[i]
		if t.observer == nil || t.observer == x.run.observerOf(t.op) {
			continue
		}
		if note := vetInferred(ctx, x.run, t.observer); note != "" {
			unobserved = append(unobserved, fmt.Sprintf("%s: %s", t.what, strings.TrimPrefix(note, "side effects not observed: ")))
			t.observer = nil
		}
	}

	// Controls first: a target that is not processed with a fresh key is
	// not a valid request, and a rejection there would prove nothing. The
	// control's side effect there is measured too: only an observer that
	// showed the control's effect can show that a reuse did nothing.
	var valid []target
	controls := map[string]*reply{}
	seesEffect := map[string]bool{}
	lastThere := map[string]*Snapshot{}                     // the snapshot after the control there
	untouched := len(x.Evidence()) == 0 && x.Dropped() == 0 // no setup request was sent
	for _, t := range targets {
		var c *reply
		label := "control: " + t.what + ", fresh key"
		var before *Snapshot
		if untouched && fromAfterOn(x, t) {
			before = derived
		}
		effect, observed, after, blind, err := measureOn(ctx, x, t.observer, label, before, func() (*reply, error) {
			var err error
			c, err = sendTarget(ctx, x, t, label, x.keyFor(t.op))
			return c, err
		})
		lastThere[t.what] = &after
		if err != nil {
			errorf(res, "control on %s: %v", t.what, err)
			return
		}
		if !c.is2xx() {
			skipped = append(skipped, fmt.Sprintf("%s: not processed even with a fresh key (status %d)", t.what, c.Status))
			continue
		}
		if blind != "" { // an inferred observer failed there: not used again
			unobserved = append(unobserved, fmt.Sprintf("%s: %s", t.what, blind))
			t.observer = nil
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
	var problems, outcomes, untold []string
	for _, t := range valid {
		var reuse *reply
		// Since the control there, only the other targets (other
		// observers) and R (op's own) were sent to: what the control's
		// snapshot showed is still there, and counts by the canary.
		var before *Snapshot
		if last := lastThere[t.what]; last != nil && t.observer != nil && (x.Observer == nil || t.observer.Name() != x.Observer.Name()) && hasCanary(*last, x.canary) {
			before = last
		}
		effect, observed, after, blind, err := measureOn(ctx, x, t.observer, "reuse: "+t.what+", same key K", before, func() (*reply, error) {
			var err error
			reuse, err = sendTarget(ctx, x, t, "reuse: "+t.what+", same key K", key)
			return reuse, err
		})
		if err != nil {
			errorf(res, "reuse on %s: %v", t.what, err)
			return
		}
		if blind != "" {
			unobserved = append(unobserved, fmt.Sprintf("%s: %s", t.what, blind))
		}
		firstID, control := resourceID(first), controls[t.what]
		marker, _ := prof.replayMarker(reuse)
		controlMarker, _ := prof.replayMarker(control)
		// An identical answer is R's stored result only when the control
		// there, with a fresh key, is answered otherwise (tells.go): two
		// 204s without a body say nothing about which request they answer.
		identical := reuse.is2xx() && diffReplies(first, reuse, x.ignoreFields) == ""
		told := tellsApart(first, control, x.ignoreFields)
		// A resource the reuse's answer names, new (neither R's nor the
		// control's) and listed there afterwards, was made there: whatever
		// the count says (other clients' items come and go in a list
		// without canaries), the reuse was processed on its own.
		madeThere := ""
		if id := resourceID(reuse); reuse.is2xx() && observed && id != "" && id != firstID && id != resourceID(control) && showsIDs(after, []string{id}) {
			madeThere = id
		}
		switch {
		case identical && told:
			problems = append(problems, fmt.Sprintf("%s was answered with R's stored result (status %d, identical body), while its control there with a fresh key was answered otherwise: the fingerprint ignores the target", t.what, reuse.Status))
			res.Diffs = append(res.Diffs, fmt.Sprintf("R vs the control on %s with a fresh key (-R +control): what a request processed there gets\n%s", t.what, diffReplies(first, control, x.ignoreFields)))
		case reuse.is2xx() && marker != "" && controlMarker == "":
			problems = append(problems, fmt.Sprintf("%s was answered with a response marked %s although K was never used there", t.what, marker))
			res.Diffs = append(res.Diffs, fmt.Sprintf("R vs %s (-R +other):\n%s", t.what, diffReplies(first, reuse, x.ignoreFields)))
		case reuse.is2xx() && firstID != "" && resourceID(reuse) == firstID && resourceID(control) != firstID:
			problems = append(problems, fmt.Sprintf("%s was answered about R's resource %q: a false replay", t.what, firstID))
			res.Diffs = append(res.Diffs, fmt.Sprintf("R vs %s (-R +other):\n%s", t.what, diffReplies(first, reuse, x.ignoreFields)))
		case reuse.is2xx() && observed && seesEffect[t.what] && effect == 0 && madeThere == "":
			again, err := controlAgain(ctx, x, t)
			if err != nil {
				errorf(res, "second control on %s: %v", t.what, err)
				return
			}
			if again != "" {
				untold = append(untold, fmt.Sprintf("%s answered %d with no side effect (%+d), but %s", t.what, reuse.Status, effect, again))
				break
			}
			problems = append(problems, fmt.Sprintf("%s answered %d but nothing happened there (side effect %+d), while a control there with a fresh key before it and another after it each had one: a false replay", t.what, reuse.Status, effect))
		case reuse.Status >= 500:
			problems = append(problems, fmt.Sprintf("%s got a server error (%d) for a valid request with a reused key", t.what, reuse.Status))
		case madeThere != "":
			outcomes = append(outcomes, fmt.Sprintf("%s: processed on its own (%d; %s lists %s, which its answer names)", t.what, reuse.Status, t.observer.Name(), madeThere))
		case identical && observed && seesEffect[t.what]:
			outcomes = append(outcomes, fmt.Sprintf("%s: processed on its own (%d, answered as R and its fresh-key control were; its side effect %+d tells)", t.what, reuse.Status, effect))
		case identical:
			untold = append(untold, fmt.Sprintf("%s answered %d as R did, and so did its control there with a fresh key, so the response cannot tell a replay from a request processed on its own%s", t.what, reuse.Status, untoldEffect(t, seesEffect[t.what])))
		case reuse.is2xx():
			outcomes = append(outcomes, fmt.Sprintf("%s: processed on its own (%d)", t.what, reuse.Status))
		default:
			outcomes = append(outcomes, fmt.Sprintf("%s: rejected (%d)", t.what, reuse.Status))
		}
	}
	judged := len(outcomes) // targets whose answers told what happened
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
	if judged == 0 { // every target answered as R did, as its control did
		skip(res, "no answer tells a replay from a request processed on its own: "+strings.Join(append(untold, outcomes...), "; "))
		return
	}
	if len(untold) > 0 {
		res.Diffs = append(res.Diffs, "not told apart: "+strings.Join(untold, "; "))
	}
	pass(res, "the key reused elsewhere was never answered with R's result: "+strings.Join(outcomes, "; "))
}

// controlAgain sends a second control to t with a fresh key after a reuse
// there showed no side effect, and says why the missing effect proves
// nothing ("" when it proves a false replay). A first control's effect
// need not be the target's own, nor repeat: on a list without canaries
// another request's create can land while the control is measured (the
// sweep's Square documents: CancelPaymentByIdempotencyKey, which never
// changes GET /v2/payments on the generic server, counted +1 there, its
// reuse +0, intermittently), and a target whose first request makes a
// thing once (a POST to a fixed path stored as one resource) shows +1 for
// the first request processed there and +0 for every one after.
func controlAgain(ctx context.Context, x *Experiment, t target) (string, error) {
	label := "second control: " + t.what + ", fresh key"
	var c *reply
	effect, observed, _, blind, err := measureOn(ctx, x, t.observer, label, nil, func() (*reply, error) {
		var err error
		c, err = sendTarget(ctx, x, t, label, x.keyFor(t.op))
		return c, err
	})
	switch {
	case err != nil:
		return "", err
	case !c.is2xx():
		return fmt.Sprintf("a second control there with a fresh key was not processed (status %d)", c.Status), nil
	case !observed:
		return "the second control there with a fresh key could not be observed: " + blind, nil
	case effect <= 0:
		return fmt.Sprintf("a second control there with a fresh key had none either (%+d): the first control's effect does not repeat, so the count cannot tell a replay", effect), nil
	}
	return "", nil
}

// untoldEffect says why the side effect did not tell either.
func untoldEffect(t target, sees bool) string {
	switch {
	case t.observer == nil:
		return ", and its side effects are not observed"
	case !sees:
		return fmt.Sprintf(", and %s did not show the control's effect", t.observer.Name())
	}
	return ""
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
	i := lastParam(tmpl)
	if i <= 0 {
		return nil, "" // no path parameter: nothing to vary, nothing to report
	}
	parentTmpl := strings.Join(tmpl[:i], "/")
	param := strings.Trim(tmpl[i], "{}")
	// The second parent hangs under the same grandparents as the first.
	given := map[string]string{}
	for j := 0; j < i; j++ {
		if isParam(tmpl[j]) {
			if v, err := url.PathUnescape(conc[j]); err == nil {
				given[strings.Trim(tmpl[j], "{}")] = v
			}
		}
	}
	// The parent's producer: the operation's chain (chain.go: a create, or
	// a fresh id its PUT creates), else the planned POST on the parent
	// collection.
	var id string
	if j := slices.IndexFunc(op.Chain, func(l openapi.Link) bool {
		return l.Param == param && (l.Producer != nil || l.Fresh != nil)
	}); j >= 0 {
		v, err := x.parent(ctx, x.run, op, op.Chain[j], "a second "+tmpl[i], 0, given)
		if err != nil {
			return nil, err.Error()
		}
		id = v
	} else {
		parent := parentPost(x.run, op)
		if parent == nil {
			return nil, fmt.Sprintf("no planned POST %s creates a second %s", parentTmpl, tmpl[i])
		}
		created, err := x.createParent(ctx, x.run, parent, fmt.Sprintf("setup: create a second %s with %s (%s)", tmpl[i], parent.ID, parent.Name()), 0, given)
		if err != nil {
			return nil, err.Error()
		}
		if id = resourceID(created); id == "" {
			return nil, fmt.Sprintf("%s answered no new id (no id field, no Location)", parent.Name())
		}
	}
	if url.PathEscape(id) == conc[i] {
		return nil, fmt.Sprintf("the second %s has the first one's id %s", tmpl[i], id)
	}
	r := *op.Request
	path := append([]string(nil), conc...)
	path[i] = url.PathEscape(id)
	r.Path = strings.Join(path, "/")
	t := &target{what: fmt.Sprintf("another %s (%s)", strings.Trim(tmpl[i], "{}"), id), op: op, req: &r}
	if op.Collection != nil && op.Collection.Path == op.Request.Path {
		t.observer = ofFamily(collectionObserver(op.Collection, r.Path), "collection GET "+op.Collection.Path) // the planned list, on the other resource
	}
	return t, ""
}

// lastParam is the index of the last segment of a split path template that
// is exactly one parameter; 0 when none is.
func lastParam(tmpl []string) int {
	i := len(tmpl) - 1
	for ; i > 0 && !isParam(tmpl[i]); i-- {
	}
	return max(i, 0)
}

// parentPost is the planned POST of the parent collection of op's last path
// parameter ("POST /v1/payments" for "POST /v1/payments/{id}/refunds"),
// which can create a second resource for op; nil when there is none.
func parentPost(env *run, op *openapi.Operation) *openapi.Operation {
	if op.Request == nil {
		return nil
	}
	tmpl := strings.Split(strings.TrimRight(op.Path, "/"), "/")
	conc := strings.Split(strings.TrimRight(op.Request.Path, "/"), "/")
	i := lastParam(tmpl)
	if len(tmpl) != len(conc) || i <= 0 {
		return nil
	}
	parentTmpl, parentConc := strings.Join(tmpl[:i], "/"), strings.Join(conc[:i], "/")
	for _, t := range env.targets {
		p := t.Op
		if p.Method == http.MethodPost && strings.TrimRight(p.Path, "/") == parentTmpl && p.Skip == "" && p.Request != nil && p.Request.Path == parentConc {
			return p
		}
	}
	return nil
}

// otherOperation picks another planned operation that takes its key in the
// same place, so K means the same thing there (otherOperationOf).
func otherOperation(x *Experiment) (*target, string) {
	if o := otherOperationOf(x.run, x.Op); o != nil {
		return &target{what: "operation " + o.ID, op: o, req: o.Request, observer: x.run.observerOf(o)}, ""
	}
	return nil, "no other planned operation takes the key " + x.Op.Key.String()
}

// otherOperationOf is a planned operation other than op that takes its key
// in the same place as op: of those, in plan order starting after op and
// wrapping around, the one halfway. Operations are probed roughly in plan
// order, a few at a time, so the one halfway is one not started yet or long
// done: mismatch-target holds it off (exclusive.go) without making a
// running operation wait, and no operation is every probe's target.
func otherOperationOf(env *run, op *openapi.Operation) *openapi.Operation {
	n := len(env.targets)
	self := slices.IndexFunc(env.targets, func(t Target) bool { return t.Op.ID == op.ID })
	var candidates []*openapi.Operation
	for k := 1; k <= n; k++ {
		o := env.targets[(self+k+n)%n].Op // self is -1 when op is not planned: start at 0
		if o.ID == op.ID || o.Skip != "" || o.Request == nil || o.Key.In != op.Key.In || !strings.EqualFold(o.Key.Name, op.Key.Name) {
			continue
		}
		candidates = append(candidates, o)
	}
	if len(candidates) == 0 {
		return nil
	}
	return candidates[(len(candidates)-1)/2]
}

// sendTarget builds t's request with key and sends it, recorded under label.
// A processed reply is also shown to t's observer when it learns from
// replies (the resource observer of another operation must learn what was
// created there, or it counts nothing and every 2xx looks like a false
// replay).
func sendTarget(ctx context.Context, x *Experiment, t target, label, key string) (*reply, error) {
	// The key's canary goes in as in R (send.go): on the same operation
	// with K the body must be R's exactly, canary included.
	req, err := t.req.Build(x.run.BaseURL, t.op.Key, key, x.bodyFor(t.op, key), x.run.Header)
	if err != nil {
		return nil, err
	}
	r, err := x.Do(ctx, label, req)
	if w, ok := t.observer.(responseWatcher); ok && r.is2xx() {
		w.saw(x.run.BaseURL, r)
	}
	return r, err
}

// measureOn is Experiment.Measure with another target's observer (none: the
// step just runs, observed is false). The verdict rests on two facts of
// that observer's: a processed step there showed an effect, or none. A
// single reading tells as long as it shows the resource the step's
// response named (observe_quick.go); without a named resource, or when the
// reading misses it, the snapshot settles (observe_settle.go), and on an
// observer known to update late every snapshot does. Items carrying the
// experiment's canary prefix are counted once either snapshot shows one;
// otherwise the raw count, which says nothing when a list has more pages
// than were read (a new item on a newest-first list leaves the count at
// the cap): observed is then false.
//
// known, when not nil, is the snapshot before the step, which the caller
// knows without a reading: one taken earlier with nothing sent there since,
// or derived: the one after without the items carrying the experiment's
// canary (fromAfterOn). It returns the snapshot after.
//
// An observer inferred from the document that fails leaves the step
// unobserved: blind says why (the step still runs, once); only a declared
// observer's failure is an error.
func measureOn(ctx context.Context, x *Experiment, obs Observer, label string, known *Snapshot, step func() (*reply, error)) (delta int, observed bool, after Snapshot, blind string, err error) {
	if obs == nil {
		_, err := step()
		return 0, false, Snapshot{}, "", err
	}
	if _, why := x.run.reads.vetState(vetKey(obs)); why != "" { // observe_control.go: found reading differently
		_, err := step()
		return 0, false, Snapshot{}, strings.TrimPrefix(why, "side effects not observed: "), err
	}
	stepped := false
	run := func() (*reply, error) {
		stepped = true
		return step()
	}
	failed := func(err error) (int, bool, Snapshot, string, error) {
		if !inferred(obs) || ctx.Err() != nil {
			return 0, true, Snapshot{}, "", err
		}
		why := fmt.Sprintf("%v; the observer was inferred from the document, so %q is judged on its response only", err, label)
		var stepErr error
		if !stepped {
			_, stepErr = step()
		}
		return 0, false, Snapshot{}, why, stepErr
	}
	take := func(ctx context.Context) (Snapshot, error) {
		s, err := obs.Snapshot(ctx, x.run.access(x.canary))
		if err != nil {
			return Snapshot{}, fmt.Errorf("observe %s: %w", obs.Name(), err)
		}
		return s, nil
	}
	prefix := x.canary
	agree := func(a, b Snapshot) bool {
		attributed := prefix != "" && (hasCanary(a, prefix) || hasCanary(b, prefix))
		if attributed {
			return sameIDs(canaryItems(a.Items, prefix), canaryItems(b.Items, prefix))
		}
		return a.Count == b.Count && a.Truncated == b.Truncated
	}
	late := x.run.reads.late(obs.Name())
	var before Snapshot
	switch {
	case known != nil && !late:
	case late:
		before, _, _, err = settle(ctx, settleInterval, take, agree)
	default:
		before, err = take(ctx)
	}
	if err != nil {
		return failed(err)
	}
	r, err := run()
	if err != nil {
		return 0, true, Snapshot{}, "", err
	}
	switch id := resourceID(r); {
	case late:
		after, _, _, err = settle(ctx, settleInterval, take, agree)
	case !r.is2xx():
		after, err = take(ctx) // judged on its response: the effect is evidence
	default:
		after, err = take(ctx)
		if err == nil && (id == "" || after.Items == nil || !showsIDs(after, []string{id})) {
			if id != "" && after.Items != nil {
				x.run.reads.learn(obs.Name(), false) // it updates late: settle from now on
			}
			after, _, _, err = settle(ctx, settleInterval, take, agree)
		}
	}
	if err != nil {
		return failed(err)
	}
	if known != nil && !late {
		before = *known
		if known == derived {
			before = withoutCanary(after, prefix)
		}
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
		return 0, false, after, "", nil
	}
	return e.Delta(), true, after, "", nil
}

// derived is measureOn's known snapshot that stands for "the one after
// without the experiment's items".
var derived = &Snapshot{}

// fromAfterOn reports whether the snapshot before the first request to
// target t may be derived from the one after (measureOn): t's requests
// carry the experiment's canary, whose items cannot be there before the
// experiment sent anything there, and t's observer was seen to show
// canaries, so counts there are attributed.
func fromAfterOn(x *Experiment, t target) bool {
	return t.observer != nil && x.canary != "" && t.op.Canary != "" && x.run.reads.knownToShowCanary(t.observer.Name())
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
