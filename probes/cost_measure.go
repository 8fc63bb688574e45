package probes

import "github.com/idemcheck/idemcheck/openapi"

// How the model reads observers, mirroring Experiment.Measure (observe.go)
// and what it calls: the read-read control (observe_control.go), settled
// and quick snapshots (observe_settle.go, observe_quick.go), the judging of
// a processed control (judgeControl), and mismatch-target's readings of
// another target's observer (measureOn).

// observing reports whether the experiment's steps are measured.
func (e *estimate) observing() bool { return e.obs.kind != obsNone && !e.unobserved }

// reading counts one snapshot of the experiment's observer (observe): it
// shows the experiment's canary once one of its items is in view.
func (e *estimate) reading() {
	e.readingOf(e.obs)
	if e.obs.items() && e.op.Canary != "" && e.here > 0 {
		e.canarySeen = true
		e.m.canary[e.obs.name] = true
	}
}

// readingOf counts one reading of o.
func (e *estimate) readingOf(o obsModel) {
	switch o.kind {
	case obsList, obsCounter:
		e.request(1)
	case obsResource:
		e.request(*o.held)
	}
}

// vet plays vetInferred: an inferred observer whose family the run has not
// yet seen agree with itself on items is read twice with nothing sent in
// between, and the family is vetted once the readings show items.
func (e *estimate) vet(o obsModel) {
	if o.kind == obsNone || !o.inferred || e.m.vetted[o.family] {
		return
	}
	e.readingOf(o)
	e.readingOf(o)
	if o.showsItems() {
		e.m.vetted[o.family] = true
	}
}

// quickReads reports whether the experiment's snapshots are single readings.
func (e *estimate) quickReads() bool { return e.obs.items() && e.m.isQuick(e.obs.name) }

// measure plays Experiment.Measure around step. control is set for a
// processed control (measureProcessed, mismatch-params' R), which is
// judged (judgeControl).
func (e *estimate) measure(control bool, step func()) {
	if !e.observing() {
		step()
		return
	}
	e.vet(e.obs) // vetOnce
	quick := e.quickReads()
	e.deferred = quick && e.op.Canary != "" && !e.sent && e.m.canary[e.obs.name] // beforeFromAfter
	switch {
	case e.deferred:
	case quick && !e.dirty && e.haveLast && e.canarySeen: // quickBefore reuses the last
	case quick || !e.dirty:
		e.reading()
	default: // settled: two readings that agree
		e.reading()
		e.reading()
	}
	before := e.here
	step()
	e.deferred = false
	e.reading()
	if !quick {
		e.reading()
	}
	e.dirty, e.haveLast = false, true
	if e.obs.showsItems() {
		e.vet(e.obs) // vetWithItems
	}
	if control {
		e.judgeControl(e.here - before)
	}
}

// judgeControl plays it on a processed control that added effect: none
// leaves the experiment unobserved; an observer of items learns that it
// reads at once, one of a number that it settles.
func (e *estimate) judgeControl(effect int) {
	switch {
	case effect == 0:
		e.unobserved = true
	case e.obs.items():
		e.m.quick[e.obs.name] = true
	default:
		e.m.late[e.obs.name] = true
	}
}

// targetModel is another place mismatch-target sends the key to, as the
// model sees it.
type targetModel struct {
	op     *openapi.Operation
	obs    obsModel
	canary bool // its requests carry a canary (its operation has the field)
	// vet says its observer was inferred anew for it (its own parents, or
	// another resource's list): the read-read control runs first.
	vet bool
}

// on plays measureOn: one request to another target t, processed there
// (on its own, at most, on a correct API), between readings of its
// observer. known says the snapshot before is known without a reading.
func (e *estimate) on(t targetModel, known bool) {
	if t.obs.kind == obsNone {
		e.sendElsewhere(1, 1, t.op)
		return
	}
	late := e.m.late[t.obs.name]
	switch {
	case known && !late:
	case late:
		e.readingOf(t.obs)
		e.readingOf(t.obs)
	default:
		e.readingOf(t.obs)
	}
	e.sendElsewhere(1, 1, t.op)
	t.obs.learn(1)
	e.readingOf(t.obs)
	if late || !t.obs.items() { // settled: a number cannot show the new id
		e.readingOf(t.obs)
		if !late {
			e.readingOf(t.obs)
		}
	}
}
