package probes

import (
	"fmt"
	"net/http"

	"github.com/idemcheck/idemcheck/openapi"
)

// The model a probe's cost is played against (cost.go): a correct API
// whose reads are immediately consistent. It follows what an Experiment
// spends besides the probe's own requests: the parents its chain creates
// (chain.go), and the observer's readings around each measured step as
// observe.go, observe_settle.go and observe_quick.go take them: a settled
// snapshot is two readings, a quick one one; the snapshot before a step is
// free when it is known; an observer whose control showed its effect at
// once reads quickly for the rest of the run, a counter always settles.
// A list is taken to be one page; the resource observer reads back every
// resource the experiment created so far.

// obsKind is what an observer's reading costs and shows.
type obsKind int

const (
	obsNone     obsKind = iota
	obsList             // one GET a reading; items, which carry the canary
	obsResource         // one GET per resource created so far; items
	obsCounter          // one GET a reading; a number: always settles
	obsCommand          // no request; a number: always settles
)

// obsModel is an observer as the model sees it.
type obsModel struct {
	name string
	kind obsKind
}

// items reports whether the observer's readings list items (which can be
// read once, and attributed by the canary).
func (o obsModel) items() bool { return o.kind == obsList || o.kind == obsResource }

// modelOf is the model of observer o; chained says its paths name the
// experiment's own parents (a name no other experiment shares).
func modelOf(o Observer, chained bool, seq int) obsModel {
	if o == nil {
		return obsModel{}
	}
	m := obsModel{name: o.Name()}
	switch o.(type) {
	case *CollectionObserver:
		m.kind = obsList
	case *ResourceObserver:
		m.kind = obsResource
	case *CommandObserver:
		m.kind = obsCommand
	default: // a declared GET and pointer: a number, unless it points at a list
		m.kind = obsCounter
	}
	if chained && inferred(o) {
		m.name = fmt.Sprintf("%s #%d", m.name, seq) // the parent's path: new for every experiment
	}
	return m
}

// model is what a run learns across experiments, by observer name.
type model struct {
	env     *Env
	quick   map[string]bool // a control showed its effect at once: single readings
	canary  map[string]bool // it showed an experiment's canary
	late    map[string]bool // it settles (a counter, after its first control)
	checked map[string]bool // observers the run already read before the probes
	seq     int
}

// estimate is one experiment as the model plays it: what it cost so far
// and what its observer state would be.
type estimate struct {
	m   *model
	env *Env
	op  *openapi.Operation
	obs obsModel

	cost Cost
	// as observerState: a request since the last snapshot; any request
	// at all; a snapshot to reuse; this experiment's canary seen; the
	// observer shown not to see the operation's effects.
	dirty, sent, haveLast, canarySeen, unobserved bool
	// made is how many resources the experiment's own requests created
	// (what a resource observer reads back).
	made int
	// conditional is set while the requests counted may not be sent.
	conditional bool
}

func newModel(env *Env) *model {
	return &model{env: env, quick: map[string]bool{}, canary: map[string]bool{}, late: map[string]bool{}, checked: map[string]bool{}}
}

// experiment starts the estimate of one probe on t, after its chain
// (chain.go) made its parents.
func (m *model) experiment(t Target) *estimate {
	m.seq++
	e := &estimate{m: m, env: m.env, op: t.Op, obs: modelOf(t.Observer, len(t.Op.Chain) > 0, m.seq)}
	if len(t.Op.Chain) > 0 {
		e.parents(t.Op, nil, 0)
		if t.Observer != nil && inferred(t.Observer) {
			e.reading() // chain.go: the new paths' observer is tried once
		}
	}
	return e
}

// creates is how many resources one processed request of op leaves: one
// for a create whose resource the document names (a POST on a
// collection, a PUT on an id the experiment made up), else none.
func creates(op *openapi.Operation) int {
	if op.Removal == nil {
		return 0
	}
	if op.Method == http.MethodPut {
		for _, l := range op.Chain {
			if l.Fresh != nil && l.Fresh.By == "" {
				return 1
			}
		}
		return 0
	}
	return 1
}

// parents counts creating op's chained parents, as Experiment.chained
// does: one request per producer (or PUT of a fresh id), its own parents
// first, none for a parameter an ancestor already chose.
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
	e.cost.Creates += 1 // a parent exists for the experiment's sake
	e.dirty, e.sent = true, true
}

// request counts n requests.
func (e *estimate) request(n int) {
	e.cost.Requests += n
	if e.conditional {
		e.cost.Conditional += n
	}
}

// send counts n requests of the operation, unmeasured, that create c
// resources between them (negative: that remove).
func (e *estimate) send(n, c int) {
	e.request(n)
	e.cost.Creates += c
	e.made = max(0, e.made+c)
	e.dirty, e.sent = true, true
}

// read counts n plain reads (a natural probe's GET of the resource).
func (e *estimate) read(n int) {
	e.request(n)
	e.sent = true
}

// reading counts one reading of the experiment's observer.
func (e *estimate) reading() { e.readingOf(e.obs) }

// readingOf counts one reading of o: a resource observer reads back what
// was created there (the experiment's own, or the one request sent to
// another target).
func (e *estimate) readingOf(o obsModel) {
	switch {
	case o.kind == obsList, o.kind == obsCounter:
		e.request(1)
	case o.kind == obsResource && o.name == e.obs.name:
		e.request(e.made)
	case o.kind == obsResource:
		e.request(1)
	}
}

// quick reports whether the observer reads once (observe_quick.go).
func (e *estimate) quick() bool { return e.obs.items() && e.m.quick[e.obs.name] }

// measure plays Experiment.Measure around step. control is set for a
// processed control, whose effect teaches the run whether the observer
// reads at once (judgeControl); one that shows no effect leaves the
// experiment unobserved.
func (e *estimate) measure(control bool, step func()) {
	if e.obs.kind == obsNone || e.unobserved {
		step()
		return
	}
	made := e.made
	switch {
	case e.quick() && e.op.Canary != "" && !e.sent && e.m.canary[e.obs.name]:
		// the snapshot before is the one after without the canary
	case e.quick() && !e.dirty && e.haveLast && e.canarySeen:
		// the last snapshot still holds
	case e.quick() || !e.dirty:
		e.reading()
	default:
		e.reading() // settled: two readings that agree
		e.reading()
	}
	step()
	e.reading()
	if !e.quick() {
		e.reading()
	}
	e.dirty, e.haveLast = false, true
	if e.made > 0 && e.op.Canary != "" && e.obs.items() {
		e.canarySeen = true
	}
	if !control {
		return
	}
	switch {
	case e.made == made:
		e.unobserved = true // a processed control that changed nothing
	case e.obs.items():
		e.m.quick[e.obs.name] = true
		e.m.canary[e.obs.name] = e.m.canary[e.obs.name] || e.canarySeen
	default:
		e.m.late[e.obs.name] = true
	}
}

// conditionally counts what step sends as Conditional too: it is sent only
// while no defect shows and a time budget lasts.
func (e *estimate) conditionally(step func()) {
	e.conditional = true
	step()
	e.conditional = false
}

// useList plays natural.go's useListObserver: the list one level up
// becomes the observer when there is none, after one reading.
func (e *estimate) useList() {
	r := e.op.Resource
	if e.obs.kind != obsNone || r == nil || r.List == "" {
		return
	}
	e.obs = modelOf(&CollectionObserver{Path: r.List}, false, 0)
	e.reading()
}

// target is another place mismatch-target sends the key to, as the model
// sees it.
type targetModel struct {
	obs     obsModel
	creates int
	canary  bool // its requests carry the experiment's canary
}

// on plays measureOn: n requests to another target t around readings of
// its observer. known says the snapshot before is known without a reading.
func (e *estimate) on(t targetModel, known bool) {
	e.dirty, e.sent = true, true
	if t.obs.kind == obsNone {
		e.request(1)
		e.cost.Creates += t.creates
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
	e.request(1)
	e.cost.Creates += t.creates
	e.readingOf(t.obs)
	if late || !t.obs.items() { // a reading that cannot show the new id settles
		e.readingOf(t.obs)
		if !late {
			e.readingOf(t.obs)
		}
	}
}
