package probes

import (
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// Regression tests for the defect "mismatch-target holds the whole run
// single-threaded": it ran alone, so every other worker drained and waited
// while it did. It now holds off only the operations whose observers its
// requests change.

// lockEnv is a run Env over three keyed creates with their lists.
func lockEnv() (*Env, []openapi.Operation) {
	ops := []openapi.Operation{lagOp("createA", "a", 1, true), lagOp("createB", "b", 1, true), lagOp("createC", "c", 1, true)}
	env := Env{BaseURL: "http://127.0.0.1:1"}.withDefaults()
	env.targets = DefaultTargets(ops)
	return env, ops
}

// acquired runs hold in a goroutine and returns a channel closed once it
// holds the locks, and the release (to call after that).
func acquired(env *Env, op *openapi.Operation, p Probe) (<-chan struct{}, *func()) {
	done := make(chan struct{})
	var release func()
	go func() {
		release = hold(env, op, p)
		close(done)
	}()
	return done, &release
}

// waitHeld fails the test when done is not closed within a bound far above
// any scheduling delay: the lock was not free although it should be.
func waitHeld(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting for its locks after 10s", what)
	}
}

func TestMismatchTargetHoldsOffOnlyTheOperationsItTouches(t *testing.T) {
	env, ops := lockEnv()
	mt, replay := selectProbes(t, "mismatch-target")[0], selectProbes(t, "replay")[0]
	env.targets = DefaultTargets(ops[:2]) // createA reuses its key on createB
	if got := (mismatchTargetProbe{}).touches(env, &ops[0]); len(got) != 1 || got[0] != "collection GET /b" {
		t.Fatalf("mismatch-target on createA touches %q, want the other operation's list [collection GET /b]", got)
	}
	releaseMT := hold(env, &ops[0], mt)

	// An operation it does not touch goes on.
	done, release := acquired(env, &ops[2], replay)
	waitHeld(t, done, "replay on createC while mismatch-target runs on createA")
	(*release)()

	// The operation it reuses the key on waits until it is done.
	done, release = acquired(env, &ops[1], replay)
	time.Sleep(50 * time.Millisecond) // give it the chance to take the lock wrongly
	select {
	case <-done:
		t.Fatal("replay on createB ran while mismatch-target sent requests to createB")
	default:
	}
	releaseMT()
	waitHeld(t, done, "replay on createB after mismatch-target finished")
	(*release)()
}

func TestNaturalProbesStillRunAlone(t *testing.T) {
	env, ops := lockEnv()
	put := selectProbes(t, "natural-put")[0]
	releasePut := hold(env, &ops[0], put)
	done, release := acquired(env, &ops[2], selectProbes(t, "replay")[0])
	time.Sleep(50 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("a probe ran while natural-put, which must run alone, did")
	default:
	}
	releasePut()
	waitHeld(t, done, "replay after natural-put finished")
	(*release)()
}

// TestOtherOperationIsHalfway: each operation reuses its key on the keyed
// operation halfway round the plan, so the operations mismatch-target holds
// off are spread over the run (and are rarely being probed at the time)
// instead of all waiting on the first one.
func TestOtherOperationIsHalfway(t *testing.T) {
	env, ops := lockEnv()
	more := []openapi.Operation{lagOp("createD", "d", 1, true), lagOp("createE", "e", 1, true)}
	all := append(ops, more...)
	env.targets = DefaultTargets(all)
	for i, want := range []string{"createC", "createD", "createE", "createA", "createB"} {
		if got := otherOperationOf(env, &all[i]); got == nil || got.ID != want {
			t.Errorf("other operation of %s: %v, want %s", all[i].ID, got, want)
		}
	}
	env.targets = env.targets[:2]
	if got := otherOperationOf(env, &all[1]); got == nil || got.ID != "createA" {
		t.Errorf("other operation of createB among two: %v, want createA", got)
	}
}

// TestMismatchTargetHoldsOffOperationsThatCreateItsListsItems: a probe on
// DELETE /b/{id} creates its own b (chain.go) and deletes it, which
// changes the list of b as much as a probe on createB does. It waits
// while mismatch-target counts that list (Box's sweep: a member's control
// counted +2 and the reuse +0 while a DELETE's probes created and removed
// members at the same time).
func TestMismatchTargetHoldsOffOperationsThatCreateItsListsItems(t *testing.T) {
	env, ops := lockEnv()
	mt, replay := selectProbes(t, "mismatch-target")[0], selectProbes(t, "replay")[0]
	del := openapi.Operation{ID: "deleteB", Method: "DELETE", Path: "/b/{id}",
		Key:     openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "DELETE", Path: "/b/idemcheck"},
		Chain:   []openapi.Link{{Param: "id", From: "createB", Producer: &ops[1]}}}
	env.targets = DefaultTargets([]openapi.Operation{ops[0], ops[1], del}) // createA reuses its key on createB
	releaseMT := hold(env, &ops[0], mt)
	done, release := acquired(env, &del, replay)
	time.Sleep(50 * time.Millisecond) // give it the chance to take the lock wrongly
	select {
	case <-done:
		t.Fatal("replay on deleteB, whose parents createB makes, ran while mismatch-target counted createB's list")
	default:
	}
	releaseMT()
	waitHeld(t, done, "replay on deleteB after mismatch-target finished")
	(*release)()
}
