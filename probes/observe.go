package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// Side effects are observed, never assumed (docs/design.md): an observer takes a
// snapshot of the server's state before and after each step of an
// experiment, and the diff of the two is the step's effect. One file per
// kind of observer: observe_collection.go (the list beside a create),
// observe_resource.go (the created resource, read back), observe_http.go (a
// user-declared GET and JSON pointer), observe_command.go (a user-declared
// shell command); observe_diff.go turns two snapshots into an Effect.
//
// On a shared server other clients change the same lists. Each experiment
// therefore puts a canary (a value unique to it and to the request's key,
// canary.go) into a free-form field of its requests
// (openapi.Operation.Canary), and, once the observer is seen to show that
// field, only items carrying the experiment's canary prefix are counted.
//
// Lists are often eventually consistent: an item shows up some time after
// the create was answered. observe_settle.go waits for a snapshot to settle,
// and stops trusting an observer that did not show a processed request's
// effect at all.

// Snapshot is what an observer saw at one moment.
type Snapshot struct {
	// Count is the observer's number: the items of a list, a counter's value.
	Count int
	// Items are the observed items, when the observer sees items (lists,
	// resources); nil for counters. They let a diff say which items
	// appeared and let the canary attribute them.
	Items []Item
	// Truncated is set when a list had more pages than were read: Count is
	// then only what was read.
	Truncated bool
	// OffOrigin is set with Truncated when the next page was not read
	// because its link leads off the base URL's origin: the link's origin
	// ("https://other.example"), never contacted.
	OffOrigin string
	// Attributed is set when the observer counted only this experiment's
	// effects itself (a command that filters by $IDEMCHECK_CANARY).
	Attributed bool
}

// Item is one observed item: its id (or, without one, a short summary) and
// its JSON, in which the canary is looked for.
type Item struct {
	ID   string
	JSON string
}

// Observer takes snapshots of a server's state so an experiment can measure
// its side effects instead of assuming them. env is the experiment's own
// Env: requests go to env.BaseURL with env.Header. An error makes the
// verdict an error, never a guess.
type Observer interface {
	// Name says what is observed, e.g. "collection GET /v1/payments".
	Name() string
	Snapshot(ctx context.Context, env *Env) (Snapshot, error)
}

// responseWatcher is an observer that learns from the experiment's
// successful responses (the resource observer learns what was created).
type responseWatcher interface {
	saw(env *Env, r *reply)
}

// DefaultObserver is the observer of op when the user declared none: the
// collection list beside a create, else the created resource read back by
// id, else nil (verdicts then rest on the responses alone, and say so).
func DefaultObserver(op *openapi.Operation) Observer {
	switch {
	case op.Collection != nil:
		return collectionObserver(op.Collection, op.Collection.Path)
	case op.CreatedPath != "":
		o := NewResourceObserver(op.CreatedPath)
		o.Read = op.CreatedRead
		return o
	}
	return nil
}

// collectionObserver reads the planned list c at path (c's own, or another
// resource's list: mismatch-target), where its items are, with its
// planned read's query and headers.
func collectionObserver(c *openapi.Collection, path string) *CollectionObserver {
	return &CollectionObserver{Path: path, Pointer: c.Pointer, Read: c.Read}
}

// saw passes a successful response to an observer that learns from them,
// and notes that a request was sent since the last settled snapshot
// (observe_settle.go) and what its response named (observe_quick.go).
func (x *Experiment) saw(req *http.Request, r *reply) {
	x.mu.Lock()
	x.obs.dirty, x.obs.sent = true, true
	x.mu.Unlock()
	x.noteReturned(req, r)
	if w, ok := x.Observer.(responseWatcher); ok && r.is2xx() {
		w.saw(x.Env, r)
	}
}

// observe takes one snapshot, wrapping a failure with the observer's name.
func (x *Experiment) observe(ctx context.Context) (Snapshot, error) {
	snap, err := x.Observer.Snapshot(withCanaryPrefix(ctx, x.canary), x.Env)
	if err != nil {
		return Snapshot{}, fmt.Errorf("observe %s: %w", x.Observer.Name(), err)
	}
	x.noteCanary(snap)
	return snap, nil
}

// noteCanary remembers that the observer shows the canary: from then on
// only items carrying it are counted.
func (x *Experiment) noteCanary(s Snapshot) {
	if x.canary == "" {
		return
	}
	for _, it := range s.Items {
		if strings.Contains(it.JSON, x.canary) {
			x.mu.Lock()
			seen := x.canarySeen
			x.canarySeen = true
			x.mu.Unlock()
			if !seen && x.Observer != nil {
				x.Env.reads.showsCanary(x.Observer.Name()) // observe_quick.go
			}
			return
		}
	}
}

// countBefore is, during a step that Measure runs, what the snapshot before
// it counts: the count the step started from, without another reading.
// ok is false outside such a step (or when that snapshot is derived from
// the one after, observe_quick.go); then take a Snapshot.
func (x *Experiment) countBefore() (n int, ok bool, err error) {
	x.mu.Lock()
	before, measuring := x.obs.before, x.obs.measuring
	x.mu.Unlock()
	if !measuring {
		return 0, false, nil
	}
	n, err = x.count(before)
	if err != nil && x.blindOn(context.Background(), "the step's count before", err) {
		return 0, false, nil
	}
	return n, true, err
}

// attributed reports whether counts are of this experiment's items only.
func (x *Experiment) attributed() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.canarySeen
}

// count is the number a snapshot stands for in this experiment: its items
// carrying the canary once the observer is known to show it, else the raw
// count (an error when that count is incomplete).
func (x *Experiment) count(s Snapshot) (int, error) {
	if x.attributed() {
		return len(canaryItems(s.Items, x.canary)), nil
	}
	if s.Truncated && !s.Attributed {
		return 0, fmt.Errorf("observe %s: %s and its items do not carry this experiment's canary, so it cannot be counted", x.Observer.Name(), s.truncation())
	}
	return s.Count, nil
}

// Measure runs step between two snapshots and records the effect under
// label. Both snapshots are settled (observe_settle.go): the one before when
// requests were sent since the last settled one, the one after always;
// unless the run learnt that the observer's reads are immediately
// consistent, when each is a single reading that shows every item the
// server named (observe_quick.go). observed is false when the operation has
// no observer, or when the observer was shown not to see this operation's
// effects, or when an observer inferred from the document failed (the
// experiment is unobserved from then on, and the result says why:
// blindOn). A failure of an observer the user declared is an error, which
// makes the verdict an error rather than a guess.
func (x *Experiment) Measure(ctx context.Context, label string, step func() error) (delta int, observed bool, err error) {
	if x.Observer == nil || x.unobserved() {
		return 0, false, step()
	}
	if why := x.vetOnce(ctx); why != "" { // observe_control.go: the read-read control
		x.blindBy(why)
		return 0, false, step()
	}
	quick := x.quickReads()
	deferBefore := quick && x.beforeFromAfter() // observe_quick.go
	var before, after Snapshot
	switch {
	case deferBefore:
	case quick:
		before, err = x.quickBefore(ctx)
	default:
		before, err = x.settledIfDirty(ctx)
	}
	if err != nil {
		if x.blindOn(ctx, label, err) {
			return 0, false, step()
		}
		return 0, true, err
	}
	x.mu.Lock()
	x.obs.before, x.obs.measuring = before, !deferBefore
	x.mu.Unlock()
	began := time.Now()
	stepErr := step()
	x.mu.Lock()
	x.obs.measuring = false
	x.mu.Unlock()
	if stepErr != nil {
		return 0, true, stepErr
	}
	if x.unobserved() { // the step's own readings (countBefore) failed
		return 0, false, nil
	}
	if quick {
		after, err = x.quickAfter(ctx, began)
	} else {
		after, err = x.settled(ctx, began)
	}
	if err != nil {
		if x.blindOn(ctx, label, err) {
			return 0, false, nil
		}
		return 0, true, err
	}
	if why := x.vetWithItems(ctx, after); why != "" { // observe_control.go
		x.blindBy(why)
		return 0, false, nil
	}
	if deferBefore {
		before = withoutCanary(after, x.canary)
	}
	e, err := x.effect(label, before, after)
	if err != nil {
		if x.blindOn(ctx, label, err) {
			return 0, false, nil
		}
		return 0, true, err
	}
	x.mu.Lock()
	x.effects = append(x.effects, e)
	x.mu.Unlock()
	return e.Delta(), true, nil
}

// blindOn makes the experiment unobserved from step on when its observer,
// inferred from the document, failed with err there (a non-2xx read, no
// array where one was expected, a list that cannot be counted): a guess
// that does not hold costs the side-effect evidence, never the verdict.
// The result says why (Notes). It reports false, and leaves err to be the
// verdict's, for an observer the user declared, or when the run stops.
func (x *Experiment) blindOn(ctx context.Context, step string, err error) bool {
	if x.Observer == nil || !inferred(x.Observer) || ctx.Err() != nil {
		return false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.obs.blind == "" {
		x.obs.blind = fmt.Sprintf("not observed from %q on: %v; the observer was inferred from the document, so that step and the later ones are judged on their responses only (declare an observer in the configuration file to count them)", step, err)
		x.obs.notes = append(x.obs.notes, "side effects "+x.obs.blind)
	}
	return true
}

// blindBy makes the experiment unobserved for the reason note (a result
// note: "side effects not observed: …").
func (x *Experiment) blindBy(note string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.obs.blind == "" {
		x.obs.blind = strings.TrimPrefix(note, "side effects ")
		x.obs.notes = append(x.obs.notes, note)
	}
}

// Notes are what the experiment says of its observation beyond its
// effects: an inferred observer that failed (blindOn). The runner adds them
// to the result.
func (x *Experiment) Notes() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]string(nil), x.obs.notes...)
}

// Effects returns the recorded side-effect observations.
func (x *Experiment) Effects() []Effect {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]Effect(nil), x.effects...)
}

// CheckObserver runs the read-read control on o against env
// (observe_control.go): two snapshots with nothing sent in between. A
// broken observer (a pointer that resolves to nothing, a failing command)
// or one that reads differently by itself is one clear error before any
// probe runs, rather than an error in every verdict or its churn counted
// as side effects. It is how a declared observer is checked: the user
// asked for it, so it is theirs to fix, never silently dropped.
func CheckObserver(ctx context.Context, env Env, o Observer) error {
	c, err := readTwice(ctx, env.withDefaults(), o)
	if err != nil {
		return err
	}
	if c.changed != "" {
		return fmt.Errorf("reads differently by itself (%s); an observer must change only with the requests idemcheck sends: point it at state that only this API's requests change (a command can count only the items carrying $IDEMCHECK_CANARY)", c.changed)
	}
	return nil
}
