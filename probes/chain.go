package probes

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// An operation whose path parameters are chained (openapi.Link: the {id}
// of POST /v1/payments/{id}/refunds comes from POST /v1/payments) needs
// parents that exist. Each experiment creates its own, with fresh keys,
// before its first step: keys, canaries and observer counts never mix
// between experiments, and the parent's creation happens before any
// snapshot, so it is never counted as the operation's effect. A parent that
// cannot be created makes the experiment an error that quotes the parent's
// status and what its body said.

// maxChainDepth bounds parents of parents (the planner bounds them too).
const maxChainDepth = 5

// chain creates the parents of x.Op's chained path parameters and points
// x.Op (and its observer) at them. note says why an inferred observer of
// the new paths was dropped; "" when it was not.
func (x *Experiment) chain(ctx context.Context) (note string, err error) {
	if len(x.Op.Chain) == 0 {
		return "", nil
	}
	op, err := x.chained(ctx, x.Env, x.Op, 0, nil)
	if err != nil {
		return "", err
	}
	x.Op = op
	x.Observer = chainedObserver(x.Observer, op)
	if note := vetInferred(ctx, x.Env, x.Observer); note != "" { // observe_control.go: the read-read control
		x.Observer = nil
		return note, nil
	}
	return "", nil
}

// chained returns op with every chained path parameter filled from a
// parent created now (or a fresh id: parent), with env's base URL and
// headers (another principal's for cross-principal). given are values
// already chosen for op's parameters, chained or not: the {c} of
// /customers/{c}/subscriptions/{s}/items is the customer its subscription
// {s} was created under, not a second one, and the {id} of Stripe's POST
// /v1/application_fees/{id}/refunds, which makes the refund of
// /v1/application_fees/{fee}/refunds/{id}, is that operation's {fee}.
func (x *Experiment) chained(ctx context.Context, env *Env, op *openapi.Operation, depth int, given map[string]string) (*openapi.Operation, error) {
	if len(op.Chain) == 0 && len(given) == 0 {
		return op, nil
	}
	vals := maps.Clone(given)
	if vals == nil {
		vals = map[string]string{}
	}
	for _, l := range op.Chain {
		if _, ok := vals[l.Param]; ok {
			continue
		}
		v, err := x.parent(ctx, env, op, l, "", depth, vals)
		if err != nil {
			return nil, err
		}
		vals[l.Param] = v
	}
	return op.WithPathParams(vals), nil
}

// parent makes one parent for op's link l, under the parents already
// chosen (given, by op's names), and returns the value of l.Param: a fresh
// id, under which the PUT it names creates the resource first (nothing is
// sent when the operation is that PUT, or when nothing creates the
// resource), or the value read from the response of a producer sent now.
// what names the parent in labels ("a second {id}"); "" says "the parent
// {id}". An error that says the experiment cannot be set up is a
// *cannotSetUp (setup.go).
func (x *Experiment) parent(ctx context.Context, env *Env, op *openapi.Operation, l openapi.Link, what string, depth int, given map[string]string) (string, error) {
	if what == "" {
		what = fmt.Sprintf("the parent {%s}", l.Param)
	}
	if l.Fresh != nil {
		v := l.Fresh.Make(x.Env.NewKey())
		if l.Fresh.By == "" {
			if !l.Fresh.Unmade {
				x.noteFresh(v) // created.go: this PUT creates the resource
			}
			return v, nil
		}
		x.noteFresh(v) // created.go: a PUT on it creates the resource
		if l.Producer == nil {
			return "", fmt.Errorf("path parameter {%s}: %s, which creates it, was not planned", l.Param, l.Fresh.By)
		}
		with := producerGiven(op, l, given)
		with[theirName(op, l, l.Param)] = v
		label := fmt.Sprintf("setup: create %s = %s with %s (%s)", what, v, l.From, l.Fresh.By)
		if _, err := x.createParent(ctx, env, l.Producer, label, depth, with); err != nil {
			if _, ok := setupSkipped(err); ok {
				return "", err
			}
			return "", fmt.Errorf("%w, so the operation cannot be tested; if %s only updates a resource that exists, give {%s} an existing value in the configuration (operations.<operation>.path_params)", err, l.Fresh.By, l.Param)
		}
		return v, nil
	}
	if l.Producer == nil {
		return "", fmt.Errorf("path parameter {%s}: its producer %s was not planned", l.Param, l.From)
	}
	label := fmt.Sprintf("setup: create %s with %s (%s)", what, l.From, l.Producer.Name())
	r, err := x.createParent(ctx, env, l.Producer, label, depth, producerGiven(op, l, given))
	if err != nil {
		if _, ok := setupSkipped(err); ok {
			return "", err
		}
		return "", fmt.Errorf("%w, so the operation cannot be tested; fix the parent's request (--config operations.%s)", err, l.From)
	}
	v, ok := l.Value(r.Header, r.Body)
	if !ok {
		missing := fmt.Sprintf("%s answered %d without a value for {%s} (%s)", label, r.Status, l.Param, l)
		if l.NotInSchema { // the document gives no way to read it
			return "", &cannotSetUp{fmt.Sprintf("%s: nothing in its response names the new resource, so the experiment cannot be set up; name an existing one in the configuration (operations.%s.path_params.%s)", missing, op.ID, l.Param)}
		}
		return "", errors.New(missing)
	}
	return v, nil
}

// producerGiven are the values l's producer is sent with for its own path
// parameters: those it shares with op (openapi.SharedParams: the same
// parents, at the same place in both paths) take op's value, chosen in
// given or as op plans it; the others op chose (given) go by name.
func producerGiven(op *openapi.Operation, l openapi.Link, given map[string]string) map[string]string {
	out := maps.Clone(given)
	if out == nil {
		out = map[string]string{}
	}
	if l.Producer == nil {
		return out
	}
	var planned map[string]string
	if op.Request != nil {
		planned = templateValues(op.Path, op.Request.Path) // setup.go
	}
	for theirs, ours := range openapi.SharedParams(l.Producer.Path, op.Path) {
		if v, ok := given[ours]; ok {
			out[theirs] = v
		} else if v, ok := planned[ours]; ok {
			out[theirs] = v
		}
	}
	return out
}

// theirName is l's producer's name for op's parameter ours: the one they
// share it as, else ours.
func theirName(op *openapi.Operation, l openapi.Link, ours string) string {
	if l.Producer != nil {
		for t, o := range openapi.SharedParams(l.Producer.Path, op.Path) {
			if o == ours {
				return t
			}
		}
	}
	return ours
}

// creator names what created, for this experiment, the resource op acts
// on: the producer of its last path parameter ("PUT /v1/customers/{id}",
// "createPayment"); "" when nothing did (the document's example names it).
func creator(op *openapi.Operation) string {
	segs := strings.Split(strings.TrimRight(op.Path, "/"), "/")
	last := segs[len(segs)-1]
	for _, l := range op.Chain {
		if !strings.HasPrefix(last, "{"+l.Param+"}") {
			continue
		}
		if l.Fresh != nil {
			if l.Fresh.By == "" {
				return "" // this PUT creates it: the DELETE is not it
			}
			return l.Fresh.By
		}
		return l.From
	}
	return ""
}

// createParent sends producer's planned request, its own parents created
// first, with a fresh key, and returns the processed reply; a refusal is an
// error quoting the server's status and message.
func (x *Experiment) createParent(ctx context.Context, env *Env, producer *openapi.Operation, label string, depth int, given map[string]string) (*reply, error) {
	if depth >= maxChainDepth {
		return nil, fmt.Errorf("%s: parents nested deeper than %d", label, maxChainDepth)
	}
	if producer.Request == nil {
		return nil, fmt.Errorf("%s: not planned (%s)", label, producer.Skip)
	}
	p, err := x.chained(ctx, env, producer, depth+1, given)
	if err != nil {
		return nil, err
	}
	key := x.keyFor(p)
	req, err := buildWith(x, env, p, key, x.bodyFor(p, key)) // created.go: a parent carries a canary too
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	r, err := x.setup(ctx, env, label, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	x.noteSent(env, p, req, r) // created.go: parents are the run's too
	if !r.is2xx() {
		if why := unmadeRefusal(p, r, x.Op); why != "" { // setup.go
			return nil, &cannotSetUp{fmt.Sprintf("%s was refused (%s): %s", label, refusal(r), why)}
		}
		return nil, fmt.Errorf("%s was refused (%s)", label, refusal(r))
	}
	return r, nil
}

// setup sends a request that prepares an experiment (a parent) and records
// it. Unlike Do, its reply is not shown to the observer: what a setup
// creates is not the operation's effect.
func (x *Experiment) setup(ctx context.Context, env *Env, label string, req *http.Request) (*reply, error) {
	payload := requestBody(req)
	var r *reply
	var err error
	elapsed := timed(func() { r, err = send(ctx, env, req) })
	x.mu.Lock()
	x.obs.dirty = true
	x.mu.Unlock()
	ex := Exchange{
		Label:    label,
		Request:  recordRequest(req, payload, env.Header),
		Response: recordResponse(r, env.Header),
		Elapsed:  elapsed,
	}
	if err != nil {
		ex.Err = err.Error()
	}
	x.record(ex)
	return r, err
}

// chainedObserver is the observer of op, a chained copy of a planned
// operation whose observer was settled: a declared one stays (it names no
// path of op's); one inferred from the document is inferred anew for op's
// concrete paths (its list under the parent this experiment created).
func chainedObserver(settled Observer, op *openapi.Operation) Observer {
	if settled != nil && !inferred(settled) {
		return settled
	}
	o := DefaultObserver(op)
	if o != nil && settled != nil {
		o = ofFamily(o, vetKey(settled)) // observe_control.go: the same list, under this experiment's parent
	}
	return o
}

// observedBy names the observers that see t's requests: its own, and
// those of the operations that create its parents (a chained experiment's
// parents land in their lists), so the runner runs t after, never beside,
// the operations those observers count. A parent's observer is the one
// settled for it among targets, else the one its document implies.
func observedBy(t Target, targets []Target) []string {
	var names []string
	if t.Observer != nil {
		names = append(names, t.Observer.Name())
	}
	var walk func(o *openapi.Operation, depth int)
	walk = func(o *openapi.Operation, depth int) {
		if depth >= maxChainDepth {
			return
		}
		for _, l := range o.Chain {
			if l.Producer == nil {
				continue
			}
			ob := DefaultObserver(l.Producer)
			if i := slices.IndexFunc(targets, func(t Target) bool { return sameOperation(t.Op, l.Producer) }); i >= 0 {
				ob = targets[i].Observer
			}
			if ob != nil {
				names = append(names, ob.Name())
			}
			walk(l.Producer, depth+1)
		}
	}
	walk(t.Op, 0)
	return names
}
