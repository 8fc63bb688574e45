package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// An observer idemcheck inferred from the document (the list beside a POST,
// the created resource) is a guess: the list may need query parameters, or
// answer 403 to this principal. Each one takes a snapshot before the run;
// one that fails is dropped for the whole run and every result of its
// operations says so, so a bad guess costs the side-effect evidence (the
// verdicts then rest on responses, and say that too) instead of turning
// every probe into an error. An observer the user declared is never dropped:
// its failure is theirs to fix, and cmd reports it before any probe runs.

// inferred reports whether o was guessed from the document rather than
// declared in the configuration.
func inferred(o Observer) bool {
	switch t := o.(type) {
	case *CollectionObserver:
		return t.Label == ""
	case *ResourceObserver:
		return true
	}
	return false
}

// dropUnusableObservers snapshots every inferred observer the targets use,
// once, and takes those that failed off their targets. It returns the note
// each result of a target that lost its observer carries, by operation.
func dropUnusableObservers(ctx context.Context, e *Env, targets []Target) map[*openapi.Operation]string {
	failed := map[string]string{}
	tried := map[string]bool{}
	for _, t := range targets {
		o := t.Observer
		// A chained operation's paths name a parent each experiment creates
		// (chain.go), which checks its observer then.
		if o == nil || !inferred(o) || tried[o.Name()] || t.Op.Skip != "" || len(t.Op.Chain) > 0 {
			continue
		}
		tried[o.Name()] = true
		if _, err := o.Snapshot(ctx, e); err != nil && ctx.Err() == nil {
			failed[o.Name()] = err.Error()
		}
	}
	if len(failed) == 0 {
		return nil
	}
	notes := map[*openapi.Operation]string{}
	for i := range targets {
		t := &targets[i]
		if t.Observer == nil || failed[t.Observer.Name()] == "" {
			continue
		}
		name := t.Observer.Name()
		notes[t.Op] = fmt.Sprintf("side effects not observed: %s failed before the run (%s); declare an observer in the configuration file to count them", name, failed[name])
		t.Observer = nil
	}
	return notes
}
