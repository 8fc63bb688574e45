package probes

import (
	"context"
	"fmt"
	"sync"

	"github.com/idemcheck/idemcheck/openapi"
)

// An observer idemcheck inferred from the document (the list beside a POST,
// the created resource) is a guess: the list may need query parameters, or
// answer 403 to this principal, or render fresh ids on every read. Each one
// passes the read-read control before the run (observe_control.go): read
// twice with nothing sent in between. One that fails, or reads
// differently, is dropped for the whole run and every result of its
// operations says so, so a bad guess costs the side-effect evidence (the
// verdicts then rest on responses, and say that too) instead of turning
// every probe into an error or its churn into findings. An observer the
// user declared is never dropped: its failure is theirs to fix, and cmd
// reports it before any probe runs (CheckObserver).

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

// dropUnusableObservers runs the read-read control on every inferred
// observer the targets use, once each, e.Parallel at a time, and takes
// those that failed or read differently off their targets. It returns the
// note each result of a target that lost its observer carries, by
// operation.
func dropUnusableObservers(ctx context.Context, e *run, targets []Target) map[*openapi.Operation]string {
	var vet []Observer
	tried := map[string]bool{}
	for _, t := range targets {
		o := t.Observer
		// A chained operation's paths name a parent each experiment creates
		// (chain.go), which checks its observer then.
		if o == nil || !inferred(o) || tried[o.Name()] || t.Op.Skip != "" || len(t.Op.Chain) > 0 {
			continue
		}
		tried[o.Name()] = true
		vet = append(vet, o)
	}
	why := make([]string, len(vet))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(max(e.Parallel, 1), len(vet)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c, err := readTwice(ctx, e, vet[i])
				switch {
				case ctx.Err() != nil:
				case err != nil:
					why[i] = fmt.Sprintf("failed before the run (%v)", err)
				case e.reads.vetted(vetKey(vet[i]), vet[i].Name(), c) != "":
					why[i] = fmt.Sprintf("reads differently by itself before the run (%s), so it is not used", c.changed)
				}
			}
		}()
	}
feed:
	for i := range vet {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	failed := map[string]string{}
	for i, o := range vet {
		if why[i] != "" {
			failed[o.Name()] = why[i]
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
		notes[t.Op] = fmt.Sprintf("side effects not observed: %s %s; declare an observer in the configuration file to count them", name, failed[name])
		t.Observer = nil
	}
	return notes
}
