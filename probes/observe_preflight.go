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

// dropUnusableObservers snapshots every inferred observer the operations
// use, once, and replaces e.Observer with one that leaves out those that
// failed. It returns why each dropped observer failed, by observer name.
func dropUnusableObservers(ctx context.Context, e *Env, ops []openapi.Operation) map[string]string {
	failed := map[string]string{}
	tried := map[string]bool{}
	for i := range ops {
		o := e.Observer(&ops[i])
		// A chained operation's paths name a parent each experiment creates
		// (chain.go), which checks its observer then.
		if o == nil || !inferred(o) || tried[o.Name()] || ops[i].Skip != "" || len(ops[i].Chain) > 0 {
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
	observer := e.Observer
	e.Observer = func(op *openapi.Operation) Observer {
		if o := observer(op); o != nil && failed[o.Name()] == "" {
			return o
		}
		return nil
	}
	return failed
}

// droppedNote is the line a result of op carries when its inferred observer
// was dropped; "" when it was not.
func droppedNote(failed map[string]string, observer func(*openapi.Operation) Observer, op *openapi.Operation) string {
	if len(failed) == 0 {
		return ""
	}
	o := observer(op)
	if o == nil || failed[o.Name()] == "" {
		return ""
	}
	return fmt.Sprintf("side effects not observed: %s failed before the run (%s); declare an observer in the configuration file to count them", o.Name(), failed[o.Name()])
}
