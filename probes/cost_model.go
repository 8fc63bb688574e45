package probes

import (
	"fmt"
	"net/http"

	"github.com/idemcheck/idemcheck/openapi"
)

// The model a probe's cost is played against (cost_probes.go): a correct API
// whose reads are immediately consistent. It follows what an Experiment
// spends besides the probe's own requests, as the code spends it:
//
//   - the parents its chain creates (chain.go), and those of the steps that
//     get parents of their own (cost_chain.go);
//   - the observer's readings around each measured step (observe.go,
//     observe_settle.go, observe_quick.go): a settled snapshot is two
//     readings, a quick one one; the snapshot before a step is free when it
//     is known; an observer whose control showed its effect at once reads
//     quickly for the rest of the run, one that reports a number always
//     settles;
//   - the read-read control of an inferred observer (observe_control.go):
//     two readings, before the run and then before and after the steps of
//     later experiments until its family was seen to agree with itself on
//     items.
//
// A list is taken to be one page. A list the run did not create the parent
// of is taken to hold items already (a server in use: the example's
// payments hold a seed); one under a parent an experiment created holds
// what the experiment put there. A resource observer reads back every
// resource it learnt, one GET each.

// obsKind is what an observer's reading costs and shows.
type obsKind int

const (
	obsNone     obsKind = iota
	obsList             // one GET a reading; items, which carry the canary
	obsResource         // one GET per resource it learnt; items
	obsCounter          // one GET a reading; a number: always settles
	obsCommand          // no request; a number: always settles
)

// obsModel is an observer as the model sees it.
type obsModel struct {
	// name is what the run's knowledge of its reads is kept under
	// (observe_quick.go); family what its read-read control is kept under
	// (vetKey).
	name, family string
	kind         obsKind
	inferred     bool
	// held counts what is in view: the resources a resource observer
	// learnt (shared by every experiment that shares the observer), the
	// items of a list under parents the run created. Nil for a list that is
	// taken to hold items already.
	held *int
}

// items reports whether the observer's readings list items (which can be
// read once, and attributed by the canary).
func (o obsModel) items() bool { return o.kind == obsList || o.kind == obsResource }

// showsItems reports whether a reading of o shows items now.
func (o obsModel) showsItems() bool {
	return o.items() && (o.held == nil || *o.held > 0)
}

// learn counts n resources more in view of o (fewer when negative); a
// resource observer forgets none (it reads a deleted one all the same).
func (o obsModel) learn(n int) {
	switch {
	case o.held == nil:
	case o.kind == obsResource && n > 0:
		*o.held = min(maxResources, *o.held+n)
	case o.kind == obsList:
		*o.held = max(0, *o.held+n)
	}
}

// model is what a run learns across experiments.
type model struct {
	env *Env
	// By observer name, as readKnowledge: a control showed its effect at
	// once (quick), or only later or as a number (late); a snapshot showed
	// an experiment's canary.
	quick, late, canary map[string]bool
	// vetted are the families the read-read control saw agree on items.
	vetted map[string]bool
	// resources are the resources each planned resource observer learnt.
	resources map[string]*int
	seq       int
}

func newModel(env *Env) *model {
	return &model{env: env, quick: map[string]bool{}, late: map[string]bool{}, canary: map[string]bool{}, vetted: map[string]bool{}, resources: map[string]*int{}}
}

// isQuick reports whether name's snapshots are single readings.
func (m *model) isQuick(name string) bool { return m.quick[name] && !m.late[name] }

// observer is the model of o. fresh says o was inferred for paths under
// parents an experiment created (chain.go, chain_round.go): its name is
// new, and it holds only what the experiment puts there.
func (m *model) observer(o Observer, fresh bool) obsModel {
	if o == nil {
		return obsModel{}
	}
	om := obsModel{name: o.Name(), family: vetKey(o), inferred: inferred(o)}
	switch o.(type) {
	case *CollectionObserver:
		om.kind = obsList
	case *ResourceObserver:
		om.kind = obsResource
	case *CommandObserver:
		om.kind = obsCommand
	default: // a declared GET and pointer: a number, unless it points at a list
		om.kind = obsCounter
	}
	switch {
	case fresh && om.inferred:
		m.seq++
		om.name = fmt.Sprintf("%s #%d", om.name, m.seq)
		if f, ok := o.(interface{ family() string }); !ok || f.family() == "" {
			om.family = om.name // no planned observer it derives from: its own
		}
		om.held = new(int)
	case om.kind == obsResource:
		if m.resources[om.name] == nil {
			m.resources[om.name] = new(int)
		}
		om.held = m.resources[om.name]
	}
	return om
}

// moved is o inferred anew under other parents (roundObserver): the same
// endpoint and family under a new name, holding nothing yet, with what the
// run learnt of o's reads (inheritReads). A declared observer stays.
func (m *model) moved(o obsModel) obsModel {
	if o.kind == obsNone || !o.inferred {
		return o
	}
	m.seq++
	n := o
	n.name, n.held = fmt.Sprintf("%s #%d", o.name, m.seq), new(int)
	m.quick[n.name] = m.isQuick(o.name)
	m.canary[n.name] = m.canary[o.name]
	return n
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
	// sent or recorded at all; a snapshot to reuse; this experiment's
	// canary seen; the observer shown not to see the operation's effects.
	dirty, sent, haveLast, canarySeen, unobserved bool
	// here is how many resources the experiment's own requests put in view
	// of its observer (the effect a control shows).
	here int
	// deferred is set during a measured step whose snapshot before is the
	// one after without the canary: there is no count before to read.
	deferred bool
	// conditional is set while the requests counted may not be sent.
	conditional bool
}

// experiment starts the estimate of one probe on t, after its chain
// (chain.go) made its parents and inferred its observer for them, checked
// by the read-read control.
func (m *model) experiment(t Target) *estimate {
	e := &estimate{m: m, env: m.env, op: t.Op, obs: m.observer(t.Observer, false)}
	if len(t.Op.Chain) > 0 {
		e.setup(func() { e.parents(t.Op, nil, 0) })
		e.obs = m.observer(chainedObserver(t.Observer, t.Op), true)
		e.vet(e.obs)
	}
	return e
}

// preflight is what dropUnusableObservers sends: the read-read control of
// every inferred observer of an operation without a chain, once each.
func (m *model) preflight(targets []Target) Cost {
	s := &estimate{m: m, env: m.env}
	tried := map[string]bool{}
	for _, t := range targets {
		o := t.Observer
		if o == nil || !inferred(o) || t.Op.Skip != "" || len(t.Op.Chain) > 0 || tried[o.Name()] {
			continue
		}
		tried[o.Name()] = true
		s.vet(m.observer(o, false))
	}
	return s.cost
}

// creates is how many resources one processed request of op leaves: one
// for a create whose resource the document names (a POST on a
// collection, a PUT on an id the experiment made up), else none. What a
// processed request shows an observer is one request's effect whatever it
// leaves: an observer is there to see it.
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

// request counts n requests.
func (e *estimate) request(n int) {
	e.cost.Requests += n
	if e.conditional {
		e.cost.Conditional += n
	}
}

// send counts n requests of the operation on its own target, processed of
// which were processed: each adds one request's effect in view of the
// observer (what a control shows) and leaves what one creates.
func (e *estimate) send(n, processed int) {
	e.request(n)
	e.cost.Creates += processed * creates(e.op)
	e.here += processed
	e.obs.learn(processed)
	e.dirty, e.sent = true, true
}

// remove counts the effect of a processed DELETE of the resource the
// experiment's chain made: it leaves the observer's view, and what the run
// leaves (the parent counted it).
func (e *estimate) remove() {
	e.here = max(0, e.here-1)
	e.obs.learn(-1)
	e.cost.Creates--
}

// sendElsewhere counts n requests the experiment sends (Do) to a target
// out of its observer's view (another parent, another operation), processed
// of which were processed, each leaving what one request of op creates; a
// resource observer learns their ids all the same (saw).
func (e *estimate) sendElsewhere(n, processed int, op *openapi.Operation) {
	e.request(n)
	e.cost.Creates += processed * creates(op)
	if e.obs.kind == obsResource {
		e.obs.learn(processed)
	}
	e.dirty, e.sent = true, true
}

// read counts n plain reads the experiment sends (a natural probe's GET of
// the resource): requests like any, which its observer is told of.
func (e *estimate) read(n int) {
	e.request(n)
	e.dirty, e.sent = true, true
}

// setup counts what step sends as an experiment's setup (parents): its
// observer's next snapshot settles, and the evidence holds a request.
func (e *estimate) setup(step func()) {
	step()
	e.dirty, e.sent = true, true
}

// conditionally counts what step sends as Conditional too: it is sent only
// while no defect shows (concurrent's quick rounds).
func (e *estimate) conditionally(step func()) {
	e.conditional = true
	step()
	e.conditional = false
}
