package probes

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/idemcheck/idemcheck/openapi"
)

// maxEvidence bounds the exchanges one result keeps, so a concurrent probe's
// evidence stays readable in a CI log.
const maxEvidence = 12

// Experiment is one probe's run on one operation: it sends requests, takes
// snapshots and records everything it did as evidence. Safe for concurrent use.
type Experiment struct {
	// run is the run's settings and shared state (run.go).
	run *run
	Op  *openapi.Operation
	// Observer counts the operation's side effects; nil when none is known.
	Observer Observer

	// profile is what the operation is judged by (Profile()).
	profile *Profile
	// canary is the prefix, unique to this experiment, of the canaries its
	// requests carry at Op.Canary, one per key (canary.go); "" when the
	// operation has no canary field.
	canary string
	// ignoreFields are the run's --ignore-field pointers and the
	// operation's own (the configuration's ignore_fields): every
	// comparison of every probe leaves them out.
	ignoreFields []string

	// sent counts the requests the experiment sent (sent.go).
	sent atomic.Int64
	// created is what the experiment's requests created (created.go);
	// fresh the ids it made up for resources a PUT creates.
	created []Created
	fresh   map[string]bool
	// setupCanary is the canary prefix of the parents of an experiment
	// whose own requests carry none (created.go).
	setupCanary string

	mu       sync.Mutex
	evidence []Exchange
	effects  []Effect
	dropped  int
	// canarySeen is set once a snapshot showed an item carrying the
	// experiment's canary: counts are then attributed (observe.go).
	canarySeen bool
	// obs is what the experiment learnt about its observer: whether
	// snapshots must settle, whether it sees the operation's effects
	// (observe_settle.go).
	obs observerState
}

// newExperiment prepares an experiment on t: a fresh canary prefix when the
// operation has a canary field, and the volatile fields its comparisons
// leave out.
func newExperiment(env *run, t Target) *Experiment {
	x := &Experiment{run: env, Op: t.Op, Observer: t.Observer, profile: t.Profile, ignoreFields: env.IgnoreFields}
	if t.Op.Canary != "" {
		x.canary = newCanary()
	}
	if len(t.Op.IgnoreFields) > 0 {
		x.ignoreFields = append(append([]string(nil), env.IgnoreFields...), t.Op.IgnoreFields...)
	}
	return x
}

// Send builds and sends op's request with key (no key when empty) and body
// (the planned one when nil), records the exchange under label, and returns
// the reply. A transport error is returned and recorded too.
func (x *Experiment) Send(ctx context.Context, label, key string, body *openapi.Body) (*reply, error) {
	req, err := buildFor(x, x.Op, key, body)
	if err != nil {
		return nil, err
	}
	return x.Do(ctx, label, req)
}

// Do sends a built request and records it.
func (x *Experiment) Do(ctx context.Context, label string, req *http.Request) (*reply, error) {
	r, ex, err := x.exchange(ctx, label, req)
	x.record(ex)
	return r, err
}

// exchange sends a built request and returns its evidence without recording
// it, for experiments that pick which of many exchanges to keep.
func (x *Experiment) exchange(ctx context.Context, label string, req *http.Request) (*reply, Exchange, error) {
	payload := requestBody(req)
	var r *reply
	var err error
	elapsed := timed(func() { r, err = send(ctx, x.run, req) })
	x.saw(req, r)                  // observe.go: the resource observer learns what was created
	x.noteSent(x.run, nil, req, r) // created.go: what the run leaves on the server
	ex := Exchange{
		Label:    label,
		Request:  recordRequest(req, payload, x.run.Header),
		Response: recordResponse(r, x.run.Header),
		Elapsed:  elapsed,
	}
	if err != nil {
		ex.Err = err.Error()
	}
	return r, ex, err
}

func (x *Experiment) record(ex Exchange) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.evidence) >= maxEvidence {
		x.dropped++
		return
	}
	x.evidence = append(x.evidence, ex)
}

// Evidence returns the recorded exchanges.
func (x *Experiment) Evidence() []Exchange {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]Exchange(nil), x.evidence...)
}

// Dropped is how many exchanges were not kept because of maxEvidence.
func (x *Experiment) Dropped() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.dropped
}

// Key returns a fresh idempotency key, in the shape the operation's key
// must have (keys.go).
func (x *Experiment) Key() string { return x.newKey(x.Op.Key.Format) }

// Snapshot counts side effects now. It returns ok=false when there is no
// observer, or the experiment is unobserved (an inferred observer that
// fails makes it so: observe.go, blindOn); a failure of an observer the
// user declared is an error, which makes the verdict an error rather than
// a guess.
func (x *Experiment) Snapshot(ctx context.Context) (n int, ok bool, err error) {
	if x.Observer == nil || x.unobserved() {
		return 0, false, nil
	}
	snap, err := x.observe(ctx)
	if err == nil {
		n, err = x.count(snap) // observe.go: attributed by the canary when it can be
	}
	if err != nil {
		if x.blindOn(ctx, "a reading during the experiment", err) {
			return 0, false, nil
		}
		return 0, true, err
	}
	return n, true, nil
}
