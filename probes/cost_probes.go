package probes

import "github.com/idemcheck/idemcheck/openapi"

// The probes' costs, in catalogue order: one method per probe, each
// mirroring its probe's Run on a correct API (controls processed, refusals
// where a correct API refuses), step for step, against the model
// (cost_model.go). When a probe's Run changes what it sends, change its
// method here with it: TestPlanEstimateMatchesCheck names the probe and
// operation whose count no longer matches.

func (replayProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	e.measure(false, func() { e.send(DefaultReplays, 0) })
}

// cost of concurrent (concurrent.go, concurrent_quick.go): a control, then
// the measured rounds of Concurrency copies and a retry, then quick rounds
// of quickCopies to the race budget, counted at their bound and as
// conditional (they stop at the first round that shows a defect). On a
// nested operation every round gets a parent of its own: a measured one is
// measured on the observer under it; the quick rounds are measured
// together, by one reading of each round's own observer when the items
// there show the experiment's canary (roundEffects), else not at all.
// Overlapping quick rounds (a control slower than overlapAbove) send the
// same requests, only sooner.
func (concurrentProbe) cost(e *estimate) {
	nested := len(e.op.Chain) > 0
	e.measure(true, func() { e.send(1, 1) })
	for range e.env.Rounds {
		if nested {
			e.roundParent()
			e.moveTo()
		}
		e.measure(false, func() { e.send(e.env.Concurrency+1, 1) })
	}
	rounds := e.env.RaceBudget.OrDefault().quickRoundsFor(e.env.Rounds)
	copies := quickCopies(e.env)
	e.conditionally(func() {
		if !nested {
			e.measure(false, func() { e.send(rounds*copies, rounds) })
			return
		}
		for range rounds {
			e.roundParent()
			e.request(copies)
			e.cost.Creates += creates(e.op) // the round's own observer learns it
		}
		if e.obs.inferred && e.observing() && e.canarySeen { // roundEffects
			e.request(rounds) // a list or the round's one resource, read once each
		}
	})
}

func (mismatchBodyProbe) cost(e *estimate) {
	e.send(1, 1) // the control: the different body with a fresh key
	e.freshParents()
	e.measure(true, func() { e.send(1, 1) })
	e.measure(false, func() { e.send(1, 0) }) // the reuse, refused
}

// cost of mismatch-target: its other targets first (cost_target.go), the
// read-read control of the observers inferred for them, a control on each,
// then R with K and K on each, processed on its own there at most.
func (mismatchTargetProbe) cost(e *estimate) {
	var targets []targetModel
	if t, ok := e.otherResource(); ok {
		targets = append(targets, t)
	}
	if t, ok := e.otherOperation(); ok {
		targets = append(targets, t)
	}
	for _, t := range targets {
		if t.vet {
			e.vet(t.obs)
		}
	}
	if len(targets) == 0 {
		return // skipped
	}
	untouched := !e.sent
	for _, t := range targets {
		// fromAfterOn: the snapshot before is the one after without the
		// experiment's canary.
		e.on(t, untouched && e.op.Canary != "" && t.canary && e.m.canary[t.obs.name])
	}
	e.measure(true, func() { e.send(1, 1) })
	for _, t := range targets {
		// The control's snapshot there still holds when it shows the
		// experiment's canary: any item at all when the operation carries
		// none (hasCanary with an empty prefix).
		e.on(t, t.obs.items() && (t.canary || e.op.Canary == "") && t.obs.name != e.obs.name)
	}
}

// cost of mismatch-params: R, then for each parameter varied its first
// value, taken to make a difference: R′ and another R with fresh keys, and
// R′ with R's key (refused).
func (mismatchParamsProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	for range variedParams(e.env, e.op) {
		e.measure(false, func() { e.send(1, 1) })
		e.measure(true, func() { e.send(1, 1) })
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

// cost of missing-key: a control, then the request without a key, on a
// parent of its own on a nested operation.
func (missingKeyProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	e.freshParents()
	e.measure(false, func() { e.send(1, 0) }) // refused
}

// cost of key-format: a control, then every key form that can be sent
// (a control character cannot go in a header), the empty key on a parent
// of its own on a nested operation; at most the valid-looking ones (not
// the empty and the 64 KiB key) create.
func (keyFormatProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	if len(e.op.Chain) > 0 {
		e.roundParent()
	}
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
	e.measure(false, func() { e.send(forms, max(0, forms-2)) })
}

// cost of cross-principal: on a nested operation principal B's own
// parents, for its control and for its request with A's key; B's control,
// A's request, and B's with A's key, processed on its own.
func (crossPrincipalProbe) cost(e *estimate) {
	nested := len(e.op.Chain) > 0
	if nested {
		e.setup(func() {
			e.parents(e.op, nil, 0)
			e.parents(e.op, nil, 0)
		})
	}
	b := func() { // B's request: on its own parents, out of the observer's view
		if nested {
			e.sendElsewhere(1, 1, e.op)
			return
		}
		e.send(1, 1)
	}
	b()
	e.measure(true, func() { e.send(1, 1) })
	e.measure(false, b)
}

func (replayMarkerProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	e.measure(false, func() { e.send(1, 0) })
}

func (errorReplayProbe) cost(e *estimate) {
	e.send(2, 0)                              // the error request, fresh key and K: refused
	e.measure(false, func() { e.send(1, 0) }) // its retry
}

// cost of retry-after-drop: a control, then twice, on a parent of its own
// on a nested operation: a dropped request, one reading until its effect
// shows (and one before it when the snapshot before the step was not
// read), a retry and a second retry.
func (retryAfterDropProbe) cost(e *estimate) {
	e.measure(true, func() { e.send(1, 1) })
	observed := e.observing()
	for range 2 {
		e.freshParents()
		e.measure(false, func() {
			if e.deferred && e.observing() {
				e.reading() // countBefore: a snapshot of its own
			}
			e.send(1, 1) // dropped, processed all the same
			if observed && e.observing() {
				e.reading() // waitForEffect: the effect shows at once
			}
			e.send(2, 0)
		})
	}
}

// cost of natural-put: the first PUT, the state read twice (a read and
// the read-read control), the second PUT measured, the state read again
// (once more only when it changed).
func (naturalPutProbe) cost(e *estimate) {
	e.useList()
	get := e.op.Resource != nil && e.op.Resource.Get != ""
	e.send(1, 1) // it creates the resource under a fresh id
	if get {
		e.read(2) // readBaseline
	}
	e.measure(false, func() { e.send(1, 0) })
	if get {
		e.read(1)
	}
}

// cost of natural-delete: it reads whether the resource its chain made
// exists, deletes it, reads the state twice (a read and the read-read
// control), deletes it again and reads it once more; the first DELETE
// removes that parent.
func (naturalDeleteProbe) cost(e *estimate) {
	get := e.op.Resource != nil && e.op.Resource.Get != ""
	if get {
		e.read(1) // ensureResource
	}
	e.useList()
	e.measure(false, func() {
		e.send(1, 0)
		if creator(e.op) != "" {
			e.remove()
		}
	})
	if get {
		e.read(2) // readBaseline
	}
	e.measure(false, func() { e.send(1, 0) })
	if get {
		e.read(1)
	}
}
