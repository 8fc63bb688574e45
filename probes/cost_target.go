package probes

import (
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// The other places the model's experiments read or send to: the list a
// natural probe takes as its observer, and mismatch-target's other
// resource and other operation (mismatch_target.go).

// useList plays natural.go's useListObserver: the list one level up
// becomes the observer when there is none, after its read-read control.
// Under a parent the experiment created, it is a list of its own.
func (e *estimate) useList() {
	r := e.op.Resource
	if e.obs.kind != obsNone || r == nil || r.List == "" {
		return
	}
	o := e.m.observer(&CollectionObserver{Path: r.List}, underChained(e.op, listTemplate(e.op.Path)))
	e.vet(o)
	e.obs = o
}

// listTemplate is the template of the list one level above path.
func listTemplate(path string) string {
	p := strings.TrimRight(path, "/")
	return p[:max(0, strings.LastIndexByte(p, '/'))]
}

// underChained reports whether the path template tmpl names a parameter
// op's chain fills: a path under parents an experiment creates.
func underChained(op *openapi.Operation, tmpl string) bool {
	return slices.ContainsFunc(op.Chain, func(l openapi.Link) bool { return strings.Contains(tmpl, "{"+l.Param+"}") })
}

// otherResource plays mismatch-target's otherResource: a second parent of
// the last path parameter, and the list beside the request under it,
// inferred anew (its family is the experiment's own list, which no
// control vets on a nested operation: a new name each time).
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
	if j := slices.IndexFunc(op.Chain, func(l openapi.Link) bool {
		return l.Param == param && (l.Producer != nil || l.Fresh != nil)
	}); j >= 0 {
		e.setup(func() { e.parent(op.Chain[j], given, 0) })
	} else {
		// A chained parent in the path moves the request off the planned
		// POST's path: none is found.
		p := parentPost(e.env, op)
		if p == nil || underChained(op, strings.Join(tmpl[:i], "/")) {
			return targetModel{}, false
		}
		e.setup(func() {
			e.parents(p, given, 1)
			e.request(1)
			e.cost.Creates++
		})
	}
	t := targetModel{op: op, canary: op.Canary != ""}
	if op.Collection != nil && op.Collection.Path == op.Request.Path {
		t.obs = e.m.observer(collectionObserver(op.Collection, op.Collection.Path), true)
		t.obs.family = "collection GET " + op.Collection.Path // ofFamily: the experiment's own list
		if len(op.Chain) > 0 {
			t.obs.family = t.obs.name
		}
		t.vet = true
	}
	return t, true
}

// otherOperation plays mismatch-target's otherOperation: the keyed
// operation halfway round the plan, its own parents first, and its
// observer inferred anew under them.
func (e *estimate) otherOperation() (targetModel, bool) {
	o := otherOperationOf(e.env, e.op)
	if o == nil {
		return targetModel{}, false
	}
	planned := e.env.observerOf(o)
	t := targetModel{op: o, obs: e.m.observer(planned, false), canary: o.Canary != ""}
	if len(o.Chain) > 0 {
		e.setup(func() { e.parents(o, nil, 0) })
		if obs := chainedObserver(planned, o); obs != planned {
			t.obs, t.vet = e.m.observer(obs, true), true
		}
	}
	return t, true
}
