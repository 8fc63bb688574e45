package probes

import "github.com/idemcheck/idemcheck/openapi"

// What the model counts of parents (chain.go, chain_round.go): an
// experiment's own before its first step, and those of a step that gets
// parents of its own.

// parents counts creating op's chained parents, as Experiment.chained
// does: one request per producer (or PUT of a fresh id), its own parents
// first, none for a parameter given (an ancestor already chose it).
func (e *estimate) parents(op *openapi.Operation, given map[string]bool, depth int) {
	if depth >= maxChainDepth {
		return
	}
	chosen := map[string]bool{}
	for k := range given {
		chosen[k] = true
	}
	for _, l := range op.Chain {
		if chosen[l.Param] {
			continue
		}
		e.parent(l, chosen, depth)
		chosen[l.Param] = true
	}
}

// parent counts one parent for l (Experiment.parent).
func (e *estimate) parent(l openapi.Link, given map[string]bool, depth int) {
	if l.Producer == nil || l.Fresh != nil && l.Fresh.By == "" {
		return // nothing sent: the operation's own PUT creates it
	}
	with := map[string]bool{l.Param: l.Fresh != nil}
	for k := range given {
		with[k] = true
	}
	e.parents(l.Producer, with, depth+1)
	e.request(1)
	e.cost.Creates++ // a parent exists for the experiment's sake
}

// roundParent counts Experiment.roundParent: the nearest parent created
// anew under the experiment's other parents (grandparents). Its requests
// are another experiment's setup: the observer is not told.
func (e *estimate) roundParent() {
	given := map[string]bool{}
	for p := range grandparents(e.op) {
		given[p] = true
	}
	e.parents(e.op, given, 0)
}

// freshParents counts Experiment.freshParents: on a nested operation, a
// parent of the step's own, and the observer inferred anew under it.
func (e *estimate) freshParents() {
	if len(e.op.Chain) == 0 {
		return
	}
	e.roundParent()
	e.moveTo()
}

// moveTo plays Experiment.moveTo: the observer under the new parent (what
// the run learnt of its reads carried over), its next snapshot read anew.
func (e *estimate) moveTo() {
	if o := e.m.moved(e.obs); o.name != e.obs.name {
		e.obs, e.here = o, 0
	}
	e.dirty, e.haveLast = true, false
}
