package probes

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/idemcheck/idemcheck/openapi"
)

// A nested operation consumes its parent's state: a refund uses up what is
// left of its payment, an item a cart's stock, a call a quota. An
// experiment that has the server process its request several times with
// fresh keys on one parent can run it out, and a correct server then
// refuses a later step ("refund exceeds payment") for reasons that have
// nothing to do with idempotency. So a step that must be processed on its
// own, after earlier steps were processed, gets a parent of its own
// (freshParents): the nearest one, the parent the request acts on (the
// subscription of /customers/{c}/subscriptions/{s}/items), created anew
// under the same grandparents (chain.go does the creating, with the
// experiment's settings). That is one parent creation per step: what a
// request uses up is its nearest parent's. concurrent gives every round
// one (concurrent.go, concurrent_quick.go); the other probes say in their
// comments what they do.

// roundParent creates parents of x.Op's own for one step and returns the
// operation pointed at them, with its observer (roundObserver). The parent
// creations are not x's evidence: they are setup, and a run of many rounds
// would crowd out the exchanges that show a defect; setup is their record,
// for a caller that wants to show one.
func (x *Experiment) roundParent(ctx context.Context) (op *openapi.Operation, obs Observer, setup []Exchange, err error) {
	px := newExperiment(x.Env, Target{Op: x.Op})
	op, err = px.chained(ctx, x.Env, x.Op, 0, grandparents(x.Op))
	x.adopt(px) // created.go: the parents are the run's to remove too
	if err != nil {
		return nil, nil, px.Evidence(), err
	}
	return op, x.roundObserver(op), px.Evidence(), nil
}

// grandparents are the values x.Op's path has for its chained parameters
// but the nearest (the last in the path template): the parents a fresh
// nearest parent is created under. Nil when the path cannot be read.
func grandparents(op *openapi.Operation) map[string]string {
	if len(op.Chain) < 2 || op.Request == nil {
		return nil
	}
	vals := templateValues(op.Path, op.Request.Path) // setup.go
	nearest, at := "", -1
	for _, l := range op.Chain {
		if i := strings.Index(op.Path, "{"+l.Param+"}"); i > at {
			nearest, at = l.Param, i
		}
	}
	delete(vals, nearest)
	return vals
}

// roundObserver is the observer of x's operation pointed at other parents:
// a declared observer stays (it names no parent), one inferred from the
// document is inferred anew (the list under the new parent), and none
// stays none (an observer dropped as unusable is not brought back).
func (x *Experiment) roundObserver(op *openapi.Operation) Observer {
	if x.Observer == nil {
		return nil
	}
	return chainedObserver(x.Observer, op)
}

// freshParents points x at parents of its own, created now, so the next
// step finds none of the state the earlier steps consumed. It does nothing
// for an operation without chained path parameters. What the run learnt of
// the old observer's reads holds for the new one (the same endpoint under
// another parent), and the next snapshot is read anew.
func (x *Experiment) freshParents(ctx context.Context) error {
	if len(x.Op.Chain) == 0 {
		return nil
	}
	op, obs, setup, err := x.roundParent(ctx)
	if err != nil {
		return err
	}
	if len(setup) > 0 { // the last is the step's own parent: the one a reader looks for
		x.record(setup[len(setup)-1])
	}
	x.moveTo(op, obs)
	return nil
}

// moveTo makes op (on other parents) and obs x's operation and observer.
func (x *Experiment) moveTo(op *openapi.Operation, obs Observer) {
	old := x.Observer
	x.Op, x.Observer = op, obs
	x.mu.Lock()
	x.obs.dirty, x.obs.haveLast, x.obs.returned = true, false, nil
	x.mu.Unlock()
	x.inheritReads(old, obs)
}

// inheritReads carries what the run learnt of old's reads over to obs when
// obs is the same endpoint under another parent: immediately consistent
// reads, and items that show the canary.
func (x *Experiment) inheritReads(old, obs Observer) {
	if old == nil || obs == nil || old.Name() == obs.Name() {
		return
	}
	k := x.Env.reads
	if k.quick(old.Name()) {
		for range immediateAfter {
			k.learn(obs.Name(), true)
		}
	}
	if k.knownToShowCanary(old.Name()) {
		k.showsCanary(obs.Name())
	}
}

// roundEffects measures, after quick rounds each on parents of its own,
// what they added together: every round's own observer read once, its
// items carrying this experiment's canary counted. A fresh parent's list
// holds none before its round (the canary is the experiment's), so no
// reading before is needed. ok is false, with why, when the rounds cannot
// be measured this way: no observer, or counts that are not attributed
// (other items under a fresh parent would count).
func (x *Experiment) roundEffects(ctx context.Context, label string, observers []Observer, parallel int) (effect int, ok bool, why string, err error) {
	if x.Observer == nil || x.unobserved() || len(observers) == 0 {
		return 0, false, "", nil
	}
	if !x.attributed() {
		return 0, false, "not measured: each quick round ran on a parent of its own, and the items under them do not show this experiment's canary, so they cannot be counted as its own", nil
	}
	snaps := make([]Snapshot, len(observers))
	errs := make([]error, len(observers))
	sem := make(chan struct{}, max(1, parallel))
	var wg sync.WaitGroup
	for i, o := range observers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			snaps[i], errs[i] = o.Snapshot(withCanaryPrefix(ctx, x.canary), x.Env)
		}()
	}
	wg.Wait()
	var items []Item
	for i, s := range snaps {
		if errs[i] != nil {
			return 0, true, "", fmt.Errorf("observe %s: %w", observers[i].Name(), errs[i])
		}
		if s.Items == nil {
			return 0, false, "not measured: the observer under each round's parent reports a number, which cannot be attributed to this experiment", nil
		}
		items = append(items, canaryItems(s.Items, x.canary)...)
	}
	e := Effect{Observer: fmt.Sprintf("%s, under each quick round's own parent (%d)", observers[0].Name(), len(observers)), Step: label, After: len(items)}
	e.Added = x.named(itemIDs(items))
	x.mu.Lock()
	x.effects = append(x.effects, e)
	x.mu.Unlock()
	return len(items), true, "", nil
}

// itemIDs lists the items' ids.
func itemIDs(items []Item) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}
