package probes

import (
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// Regression tests for the defect "mismatch-target calls a correct server a
// false replay": the other operation's resource observer was never shown
// what the target created, so it counted 0 → 0; a list longer than the page
// cap kept its count at the cap; and "a 2xx that left no side effect there"
// was judged without knowing that the observer there shows anything.

// TestMismatchTargetResourceObserverLearnsTheTarget: the other operation
// has no list, only its created resource read back; the observer learns the
// target's replies, so a correct server passes, and a server that answers
// the reused key there with a fresh-looking 201 but creates nothing fails.
func TestMismatchTargetResourceObserverLearnsTheTarget(t *testing.T) {
	tests := []struct {
		name    string
		phantom bool
		want    Verdict
		reason  string
	}{
		{"correct server", false, Pass, "processed on its own"},
		{"phantom 201 there", true, Fail, "nothing happened there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &lagAPI{phantom: tt.phantom}
			srv := api.start(t)
			r := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, "mismatch-target"), lagOp("createOrder", "orders", 7, false))["mismatch-target"]
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("%s; want %s mentioning %q", describe(r), tt.want, tt.reason)
			}
		})
	}
}

// TestMismatchTargetTruncatedListIsUnobserved: the other operation's list
// is newest first and longer than the pages idemcheck reads, and its items
// carry no canary: a new item leaves the count at the cap, so the count
// shows nothing and the reuse is judged on its response.
func TestMismatchTargetTruncatedListIsUnobserved(t *testing.T) {
	api := &lagAPI{pageSize: 2, prefill: map[string]int{"orders": 2*DefaultMaxPages + 10}}
	srv := api.start(t)
	order := lagOp("createOrder", "orders", 7, true)
	order.Canary = ""
	r := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, "mismatch-target"), order)["mismatch-target"]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "processed on its own") {
		t.Errorf("%s; want a pass: processed on its own", describe(r))
	}
	if !strings.Contains(strings.Join(r.Diffs, "\n"), "more pages than idemcheck reads") {
		t.Errorf("diffs %q; want the note that the list could not be counted", r.Diffs)
	}
}

// TestMismatchTargetNoEffectJudgedOnlyAfterControlEffect: the observer
// declared for the other operation counts something it never changes; its
// control with a fresh key showed no effect there, so "+0 after the reuse"
// proves nothing and is not called a false replay.
func TestMismatchTargetNoEffectJudgedOnlyAfterControlEffect(t *testing.T) {
	api := &lagAPI{}
	srv := api.start(t)
	thing, order := lagOp("createThing", "things", 100, true), lagOp("createOrder", "orders", 7, true)
	env := lagEnv(t, srv.URL, thing, order)
	env.Planned[1].Observer = &CollectionObserver{Label: "widgets", Path: "/widgets"} // createOrder's: unrelated, never changes
	r := Run(t.Context(), []openapi.Operation{thing}, selectProbes(t, "mismatch-target"), env)[0]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "processed on its own") {
		t.Errorf("%s; want a pass: processed on its own", describe(r))
	}
	if !strings.Contains(strings.Join(r.Diffs, "\n"), "showed no effect of the control") {
		t.Errorf("diffs %q; want the note that the control showed no effect there", r.Diffs)
	}
}

// TestMismatchTargetLateListNoFalseAlarm: the other operation's list shows
// items late. A single reading there misses the resource the control (or
// the reuse, processed on its own) named, so it settles: a correct server
// is never called a false replay ("answered 2xx but nothing happened
// there"), whether the lag is caught by settling or is beyond it.
func TestMismatchTargetLateListNoFalseAlarm(t *testing.T) {
	tests := []struct {
		name     string
		lag      time.Duration
		lagAfter int
	}{
		{"8ms", 8 * time.Millisecond, 0},
		{"150ms", 150 * time.Millisecond, 0},
		// The control there and R show at once, the reuse there 8 ms late.
		{"late from the reuse on", 8 * time.Millisecond, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &lagAPI{lag: tt.lag, lagAfter: tt.lagAfter}
			srv := api.start(t)
			r := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, "mismatch-target"), lagOp("createOrder", "orders", 7, true))["mismatch-target"]
			if r.Verdict != Pass || !strings.Contains(r.Reason, "processed on its own") {
				t.Errorf("%s; want a pass: processed on its own", describe(r))
			}
		})
	}
}

// TestMismatchTargetCountConfoundedByOtherClients: the other operation's
// list carries no canary, and another client removes an item there while
// the reuse is processed on its own (Box's shield information barrier
// segment members in the sweep: the control counted +2, the reuse +0 while
// its answer named a new member). The list shows the resource the reuse's
// answer names: it was made there, whatever the count says.
func TestMismatchTargetCountConfoundedByOtherClients(t *testing.T) {
	// Creates: the control on orders (1), R on things (2), the reuse on
	// orders (3), which another client's removal accompanies.
	api := &lagAPI{prefill: map[string]int{"orders": 3}, churnAfter: 2}
	srv := api.start(t)
	order := lagOp("createOrder", "orders", 7, true)
	order.Canary = ""
	r := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, "mismatch-target"), order)["mismatch-target"]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "processed on its own") || !strings.Contains(r.Reason, "which its answer names") {
		t.Errorf("%s; want a pass: processed on its own, the list shows what its answer names", describe(r))
	}
}

// TestMismatchTargetEffectThatDoesNotRepeat: the other operation's creates
// all store one resource (a POST to a fixed path), so its control shows +1
// and every request after it +0, processed or not: the control's effect
// does not repeat, as when another request's create lands while the control
// is measured (Square's CancelPaymentByIdempotencyKey in the sweep, whose
// list no cancel changes: "answered 200 but nothing happened there",
// intermittently). A second control with a fresh key shows +0 too: the
// count cannot tell, and a correct server is not called a false replay.
// The phantom server of
// TestMismatchTargetResourceObserverLearnsTheTarget still fails: its
// second control has the effect its reuse lacked.
func TestMismatchTargetEffectThatDoesNotRepeat(t *testing.T) {
	api := &lagAPI{singleton: map[string]bool{"orders": true}}
	srv := api.start(t)
	order := lagOp("createOrder", "orders", 7, true)
	order.Canary = ""
	r := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, "mismatch-target"), order)["mismatch-target"]
	if r.Verdict == Fail {
		t.Fatalf("%s; a correct server called a false replay", describe(r))
	}
	if all := r.Reason + strings.Join(r.Diffs, "\n"); !strings.Contains(all, "does not repeat") {
		t.Errorf("%s, diffs %q; want the note that the control's effect does not repeat", describe(r), r.Diffs)
	}
}
