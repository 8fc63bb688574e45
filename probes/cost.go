package probes

import (
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// What a check costs the server, before it runs (plan): each probe states
// what its experiment on one operation sends and creates, given the
// planned operation and the settings, in a cost method below that mirrors
// its Run step by step. The model it is played against (cost_model.go)
// adds what every experiment spends besides: its chain's parents and its
// observer's readings. Result.Requests is what a run really sent (sent.go);
// TestPlanEstimateMatchesCheck holds the two together on the examples.

// Cost is what checking costs the server.
type Cost struct {
	// Requests is how many requests are sent to a correct API whose reads
	// are immediately consistent, every loop counted at its bound. A
	// broken API, a list of several pages or one that updates late can
	// take more or fewer.
	Requests int `json:"requests"`
	// Conditional is the part of Requests sent only while no defect shows
	// and a time budget lasts (concurrent's quick rounds): a check that
	// finds a defect, or a slow server, sends fewer.
	Conditional int `json:"conditional"`
	// Creates is how many resources the requests leave on a correct API,
	// at most: every create it processes, parents included, less what the
	// check deletes itself. A broken API that processes duplicates leaves
	// more.
	Creates int `json:"creates"`
}

// Add adds d to c.
func (c *Cost) Add(d Cost) {
	c.Requests += d.Requests
	c.Conditional += d.Conditional
	c.Creates += d.Creates
}

// ProbeCost is one probe's cost on one operation.
type ProbeCost struct {
	Probe string `json:"probe"`
	Cost
}

// OperationCost is what checking one operation costs: every probe's.
type OperationCost struct {
	Op *openapi.Operation `json:"-"`
	Cost
	Probes []ProbeCost `json:"probes,omitempty"`
}

// RunCost is what a run costs: before any probe (the inferred observers'
// first readings), each operation, and in total.
type RunCost struct {
	Setup      Cost            `json:"setup"`
	Operations []OperationCost `json:"operations"`
	Total      Cost            `json:"total"`
}

// coster is a probe that sends requests: cost plays its experiment on
// e.op against the model (cost_model.go). A probe without one (spec) sends
// nothing.
type coster interface {
	cost(e *estimate)
}

// Estimate is what RunTargets(targets, probes, env) is expected to cost a
// correct API: per operation and probe, and in total. It sends nothing.
func Estimate(targets []Target, probes []Probe, env Env) RunCost {
	e := env.withDefaults()
	e.plan(targets)
	m := newModel(e)
	var rc RunCost
	for _, t := range targets { // observe_preflight.go: every inferred observer, once
		o := t.Observer
		if o == nil || !inferred(o) || t.Op.Skip != "" || len(t.Op.Chain) > 0 || m.checked[o.Name()] {
			continue
		}
		m.checked[o.Name()] = true
		if _, isList := o.(*CollectionObserver); isList {
			rc.Setup.Requests++ // a resource observer knows no resource yet: no request
		}
	}
	rc.Total = rc.Setup
	for _, t := range targets {
		oc := OperationCost{Op: t.Op}
		for _, p := range probes {
			c, ok := p.(coster)
			if !ok || !runs(e, t.Op, p) {
				continue
			}
			x := m.experiment(t)
			c.cost(x)
			oc.Probes = append(oc.Probes, ProbeCost{Probe: p.Meta(nil).ID, Cost: x.cost})
			oc.Add(x.cost)
		}
		rc.Operations = append(rc.Operations, oc)
		rc.Total.Add(oc.Cost)
	}
	return rc
}

// runs reports whether the runner runs p on op at all (runOne).
func runs(env *Env, op *openapi.Operation, p Probe) bool {
	if op.Skip != "" || isStatic(p) || p.Applies(op) != "" {
		return false
	}
	a, ok := p.(envApplier)
	return !ok || a.appliesWith(env) == ""
}

// The probes' costs, in catalogue order. Each mirrors its probe's Run on a
// correct API: controls processed, refusals where a correct API refuses.

func (replayProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, creates(e.op)) })
	e.measure(false, func() { e.send(DefaultReplays, 0) })
}

// cost of concurrent: a control, Rounds rounds of Concurrency copies and a
// retry, then the quick rounds at their bound. This is the one function to
// change with concurrent's rounds (concurrent.go, concurrent_quick.go).
func (concurrentProbe) cost(e *estimate) {
	c := creates(e.op)
	e.measure(true, func() { e.send(1, c) })
	for range e.env.Rounds {
		e.measure(false, func() { e.send(e.env.Concurrency+1, c) })
	}
	quick := e.env.RaceBudget.OrDefault().quickRoundsFor(e.env.Rounds)
	e.conditionally(func() {
		e.measure(false, func() { e.send(quick*quickCopies(e.env), quick*c) })
	})
}

func (mismatchBodyProbe) cost(e *estimate) {
	c := creates(e.op)
	e.send(1, c) // the different body with a fresh key
	e.measure(true, func() { e.send(1, c) })
	e.measure(false, func() { e.send(1, 0) }) // refused
}

func (mismatchTargetProbe) cost(e *estimate) {
	untouched := !e.sent
	var targets []targetModel
	if t, ok := e.otherResource(); ok {
		targets = append(targets, t)
	}
	if t, ok := e.otherOperation(); ok {
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return // skipped
	}
	for _, t := range targets {
		e.on(t, untouched && t.canary && e.op.Canary != "" && e.m.canary[t.obs.name])
	}
	e.measure(true, func() { e.send(1, creates(e.op)) })
	for _, t := range targets { // processed on its own at most
		// The control's snapshot there still holds when it shows the
		// experiment's canary: any item at all when the operation carries
		// none (hasCanary with an empty prefix).
		e.on(t, t.obs.items() && (t.canary || e.op.Canary == "") && t.obs.name != e.obs.name)
	}
}

// otherResource plays mismatch-target's otherResource: a second parent of
// the last path parameter, and the list beside the request under it.
func (e *estimate) otherResource() (targetModel, bool) {
	op := e.op
	if op.Request == nil {
		return targetModel{}, false
	}
	tmpl := strings.Split(strings.TrimRight(op.Path, "/"), "/")
	i := lastParam(tmpl)
	if i <= 0 {
		return targetModel{}, false
	}
	param := strings.Trim(tmpl[i], "{}")
	given := map[string]bool{}
	for j := 0; j < i; j++ {
		if isParam(tmpl[j]) {
			given[strings.Trim(tmpl[j], "{}")] = true
		}
	}
	made := false
	for _, l := range op.Chain {
		if l.Param == param && (l.Producer != nil || l.Fresh != nil) {
			e.parent(l, given, 0)
			made = true
			break
		}
	}
	if !made {
		p := parentPost(e.env, op)
		if p == nil {
			return targetModel{}, false
		}
		e.parents(p, given, 1)
		e.request(1)
		e.cost.Creates++
		e.dirty, e.sent = true, true
	}
	t := targetModel{creates: creates(op), canary: op.Canary != ""}
	if op.Collection != nil && op.Collection.Path == op.Request.Path {
		e.m.seq++
		t.obs = modelOf(&CollectionObserver{Path: op.Collection.Path}, true, e.m.seq) // under the second parent: new
	}
	return t, true
}

// otherOperation plays mismatch-target's otherOperation: the keyed
// operation halfway round the plan, its own parents first.
func (e *estimate) otherOperation() (targetModel, bool) {
	o := otherOperationOf(e.env, e.op)
	if o == nil {
		return targetModel{}, false
	}
	if len(o.Chain) > 0 {
		e.parents(o, nil, 0)
	}
	e.m.seq++
	return targetModel{obs: modelOf(e.env.observerOf(o), len(o.Chain) > 0, e.m.seq), creates: creates(o), canary: o.Canary != ""}, true
}

// cost of mismatch-params: R, then for each parameter varied its first
// value, taken to make a difference: R′ and another R with fresh keys, and
// R′ with R's key (refused). Values that make none cost two requests more
// each (at most 16 in all).
func (mismatchParamsProbe) cost(e *estimate) {
	c := creates(e.op)
	e.measure(true, func() { e.send(1, c) })
	for range variedParams(e.env, e.op) {
		e.measure(false, func() { e.send(1, c) })
		e.measure(true, func() { e.send(1, c) })
		e.measure(false, func() { e.send(1, 0) })
	}
}

// variedParams are the parameters mismatch-params varies (paramsToVary).
func variedParams(env *Env, op *openapi.Operation) []openapi.ParamAlt {
	var out []openapi.ParamAlt
	for _, a := range op.AltParams {
		if a.Skip != "" || a.In == "header" && (env.OtherHeader.Get(a.Name) != "" || env.Header.Get(a.Name) != "") {
			continue
		}
		out = append(out, a)
	}
	return out
}

func (missingKeyProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, creates(e.op)) })
	e.measure(false, func() { e.send(1, 0) }) // refused
}

// cost of key-format: a control, then every key form that can be sent
// (a control character cannot go in a header); at most the valid-looking
// ones (not the empty and the 64 KiB key) create.
func (keyFormatProbe) cost(e *estimate) {
	c := creates(e.op)
	e.measure(true, func() { e.send(1, c) })
	forms := 0
	for _, f := range keyForms {
		if f.headerOnly && e.op.Key.In != openapi.KeyHeader {
			continue
		}
		forms++
	}
	if e.op.Key.In == openapi.KeyHeader {
		forms-- // the control character: not sendable in a header
	}
	e.measure(false, func() { e.send(forms, max(0, forms-2)*c) })
}

func (crossPrincipalProbe) cost(e *estimate) {
	c := creates(e.op)
	if len(e.op.Chain) > 0 {
		e.parents(e.op, nil, 0) // principal B's own parents
	}
	e.send(1, c) // B's control
	e.measure(true, func() { e.send(1, c) })
	e.measure(false, func() { e.send(1, 0) }) // B with A's key: processed on its own at most
}

func (replayMarkerProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, creates(e.op)) })
	e.measure(false, func() { e.send(1, 0) })
}

func (errorReplayProbe) cost(e *estimate) {
	e.send(2, 0)                              // the error request, fresh key and K: refused
	e.measure(false, func() { e.send(1, 0) }) // its retry
}

// cost of retry-after-drop: a control, then twice a dropped request, one
// reading until its effect shows, a retry and a second retry.
func (retryAfterDropProbe) cost(e *estimate) {
	c := creates(e.op)
	e.measure(true, func() { e.send(1, c) })
	for range 2 {
		e.measure(false, func() {
			e.send(1, c) // dropped, processed all the same
			if e.obs.kind != obsNone && !e.unobserved {
				e.reading() // waitForEffect: the effect shows at once
			}
			e.send(2, 0)
		})
	}
}

func (naturalPutProbe) cost(e *estimate) {
	e.useList()
	get := e.op.Resource != nil && e.op.Resource.Get != ""
	e.send(1, creates(e.op))
	if get {
		e.read(1)
	}
	e.measure(false, func() { e.send(1, 0) })
	if get {
		e.read(1)
	}
}

// cost of natural-delete: it reads the resource its chain made, deletes it
// twice and reads it after each; the first DELETE removes that parent.
func (naturalDeleteProbe) cost(e *estimate) {
	get := e.op.Resource != nil && e.op.Resource.Get != ""
	if get {
		e.read(1)
	}
	e.useList()
	gone := 0
	if creator(e.op) != "" {
		gone = -1
	}
	e.measure(false, func() { e.send(1, gone) })
	if get {
		e.read(1)
	}
	e.measure(false, func() { e.send(1, 0) })
	if get {
		e.read(1)
	}
}

// envApplier is a probe that needs a setting to run (cross-principal: a
// second principal); the runner skips it before its chain creates parents
// for nothing.
type envApplier interface {
	appliesWith(env *Env) string
}
