package probes

import (
	"slices"
	"sync"

	"github.com/idemcheck/idemcheck/openapi"
)

// Operations that share an observer run one after another (Run), so one's
// requests never show up in another's side-effect counts. A probe that sends
// requests to *other* operations breaks that unless it holds those
// operations off while it runs:
//
//   - mismatch-target creates a second parent resource and reuses its key on
//     another operation: its requests land in the counts of the parent's
//     observer and of the other operation's. It names those observers
//     (scopedProbe) and holds exactly them, with its own: probes on the
//     other operations wait, the rest of the run goes on.
//   - natural-put and natural-delete change a resource that any operation
//     may read or count, in ways no observer name tells: they run alone
//     (exclusiveProbe).
//
// Every other probe holds its own observer shared, and its parents'
// creates'. Locks are taken in one
// order (the run lock first, then observers sorted by name) and released
// before the next probe starts, so no two probes can wait on each other.

// exclusiveProbe is implemented by probes that touch other operations.
type exclusiveProbe interface {
	// exclusive reports whether the probe must run while no other probe does.
	exclusive() bool
}

// scopedProbe is implemented by probes whose requests to other operations
// are known in advance.
type scopedProbe interface {
	// touches returns the observers (by name) whose counts the probe's
	// requests on op may change besides op's own.
	touches(env *Env, op *openapi.Operation) []string
}

// runLocks are one run's locks: the run lock, which a probe that must run
// alone takes exclusively and every other probe shared, and one lock per
// observer name.
type runLocks struct {
	run sync.RWMutex

	mu        sync.Mutex
	observers map[string]*sync.RWMutex
}

// observer returns the lock of the observer named name.
func (l *runLocks) observer(name string) *sync.RWMutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.observers == nil {
		l.observers = map[string]*sync.RWMutex{}
	}
	m, ok := l.observers[name]
	if !ok {
		m = &sync.RWMutex{}
		l.observers[name] = m
	}
	return m
}

// hold takes the locks p needs on op and returns their release: the run
// exclusively for a probe that must run alone; the run shared and op's
// observer with those the probe touches exclusively for a scoped probe;
// the run and op's observer shared for every other probe.
func hold(env *Env, op *openapi.Operation, p Probe) (release func()) {
	l := env.exclusive
	if l == nil {
		return func() {}
	}
	if x, ok := p.(exclusiveProbe); ok && x.exclusive() {
		l.run.Lock()
		return l.run.Unlock
	}
	l.run.RLock()
	// Its own observer and those of the operations that create its
	// parents (chain.go: every experiment creates its own, and a chained
	// DELETE removes them): a probe on DELETE /members/{id} changes the
	// members list as much as one on POST /members does, and must not run
	// while mismatch-target counts that list.
	names := observedBy(Target{Op: op, Observer: env.observerOf(op)}, env.targets)
	s, scoped := p.(scopedProbe)
	if scoped {
		names = append(names, s.touches(env, op)...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var unlock []func()
	for _, n := range names {
		m := l.observer(n)
		if scoped {
			m.Lock()
			unlock = append(unlock, m.Unlock)
		} else {
			m.RLock()
			unlock = append(unlock, m.RUnlock)
		}
	}
	return func() {
		for i := len(unlock) - 1; i >= 0; i-- {
			unlock[i]()
		}
		l.run.RUnlock()
	}
}
