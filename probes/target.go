package probes

import "github.com/idemcheck/idemcheck/openapi"

// Target is one planned operation with the settings settled for it before
// the run: the observer that counts its side effects and the expectations
// it is judged by. The probes read them from here, never from the run-wide
// Config, so what an operation is checked against is decided once, in one
// place (the check package settles the configuration into targets).
type Target struct {
	Op *openapi.Operation
	// Observer counts the operation's side effects; nil when none is known
	// (verdicts then rest on the responses, and say so).
	Observer Observer
	// Profile is what the operation is judged by; nil means the run's
	// (Config.Profile, else DefaultProfile).
	Profile *Profile
}

// plan makes the run's planned targets known to the probes that need
// another one (mismatch-target): Planned for a shard of the run, else the
// targets run.
func (e *run) plan(targets []Target) {
	if len(e.Planned) > 0 {
		e.setTargets(e.Planned)
		return
	}
	e.setTargets(targets)
}

// setTargets makes ts the run's planned targets, indexed by operation for
// observerOf (which every probe's locks ask: a scan would make a large run
// quadratic).
func (e *run) setTargets(ts []Target) {
	e.targets = ts
	e.observers = make(map[opKey]Observer, len(ts))
	for _, t := range ts {
		if _, seen := e.observers[keyOf(t.Op)]; !seen {
			e.observers[keyOf(t.Op)] = t.Observer
		}
	}
}

// opKey identifies a planned operation across the copies the planner and
// the chains make of it (sameOperation).
type opKey struct{ id, method, path string }

func keyOf(op *openapi.Operation) opKey { return opKey{op.ID, op.Method, op.Path} }

// observerOf is the observer settled for op, one of the run's planned
// operations; nil when it has none or is not planned.
func (e *run) observerOf(op *openapi.Operation) Observer {
	if e.observers != nil {
		return e.observers[keyOf(op)]
	}
	for _, t := range e.targets { // targets set directly (tests)
		if sameOperation(t.Op, op) {
			return t.Observer
		}
	}
	return nil
}

// DefaultTargets settles ops with the defaults: the observer inferred from
// the document (DefaultObserver) and the run's profile.
func DefaultTargets(ops []openapi.Operation) []Target {
	targets := make([]Target, len(ops))
	for i := range ops {
		targets[i] = Target{Op: &ops[i], Observer: DefaultObserver(&ops[i])}
	}
	return targets
}

// sameOperation reports whether a and b are the same planned operation
// (copies made by the planner or a chain included).
func sameOperation(a, b *openapi.Operation) bool {
	return a == b || a.ID == b.ID && a.Method == b.Method && a.Path == b.Path
}
