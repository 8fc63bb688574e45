package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Many lists are eventually consistent: a create is answered before its item
// shows in the list (a read replica, a search index, a cache). A snapshot
// taken at once then misses the item, and it turns up during a later step:
// a retry that "added 1", a rejected request that "still added 1" — false
// alarms. And a list that lags by more than a step shows no effect at all,
// so every "+0" passes, which a broken server would pass too.
//
// Two defences. A snapshot after requests settles: it is repeated until two
// consecutive readings settleInterval apart agree (same count, and the same
// attributed items), for at most settleBound; a server that is consistent at
// once costs one extra reading per step. And when a processed control (2xx)
// shows no effect even so, the observer does not show this operation's
// effects in time (a lag beyond the bound, or a list the operation does not
// write to): the experiment is unobserved from then on, its later steps are
// judged on their responses only, and the result says why
// (measureProcessed in processed.go).
//
// For a rejected step, "added nothing" means something only when the
// observer is known to show this operation's effects, so every probe that
// judges a rejected step's effect first measures a processed control
// (sendProcessed and measureProcessed both measure): the control's +1
// proves the observer sees; its 0 makes the experiment unobserved.

// Settling bounds; see above.
const (
	settleInterval = 25 * time.Millisecond
	settleBound    = time.Second
)

// observerState is what an experiment learnt about its observer.
type observerState struct {
	// dirty is set when a request was sent since the last settled
	// snapshot, sent once the experiment sent any.
	dirty, sent bool
	// spacing is the pause between settling readings: settleInterval, or
	// twice the time the control's effect took to show on a list that lags
	// (so the later steps' effects get as long to show as the control's).
	spacing time.Duration
	// last is the last settled (or quick, observe_quick.go) snapshot;
	// lastChange how long after its step began the reading that first
	// showed its state ended (at least the list's lag, however late a
	// loaded client sent or read anything); shown whether it showed every
	// item the responses since the one before had named.
	last       Snapshot
	lastChange time.Duration
	// immediate says the first reading of the last settled snapshot
	// already showed its state (observe_quick.go learns single readings
	// from a control's).
	immediate bool
	haveLast  bool
	shown     bool
	// before is the snapshot before the step Measure is running, while
	// measuring is set.
	before    Snapshot
	measuring bool
	// returned are the ids of the resources that processed responses on
	// the operation's own target named since the last snapshot.
	returned []string
	// blind says why the observer does not show this operation's effects;
	// "" while it is not known not to.
	blind string
	// notes say why the experiment went unobserved when no effect carries
	// it (an inferred observer that failed: blindOn).
	notes []string
}

// unobserved reports whether the experiment's effects are known to be
// invisible to its observer.
func (x *Experiment) unobserved() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.obs.blind != ""
}

// judgeControl decides, after step (a processed request answered status)
// measured effect, whether the observer shows this operation's effects. It
// does not when the effect is 0, or when none of it carries the canary
// although the list shows the canary field (those items are someone
// else's, or an earlier experiment's arriving late). Then the experiment
// is unobserved from now on and the step's recorded effect says why
// (runner.go puts the note into the result); it reports false. Otherwise
// later settling readings are spaced so they give an effect as long to
// show as the control's took.
func (x *Experiment) judgeControl(step string, status, effect int) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	var why string
	switch {
	case effect == 0:
		why = fmt.Sprintf("%s showed no change (two readings %v apart agreed)", x.Observer.Name(), x.settleSpacing())
	case x.canary != "" && !x.canarySeen && showsField(x.obs.last.Items, x.Op.Canary):
		why = fmt.Sprintf("%s changed by %+d with no item carrying this experiment's canary, although its items show the field %s (the change is other clients' or earlier experiments')", x.Observer.Name(), effect, x.Op.Canary)
	default:
		x.obs.spacing = min(max(settleInterval, 2*x.obs.lastChange), settleBound/4)
		x.run.reads.learn(x.Observer.Name(), x.obs.immediate && x.obs.shown) // observe_quick.go
		return true
	}
	x.obs.blind = fmt.Sprintf("not observed: %q was processed (status %d) but %s: the observer does not show this operation's effects, or only later (eventually consistent), so the later steps are judged on their responses only", step, status, why)
	for i := len(x.effects) - 1; i >= 0; i-- {
		if x.effects[i].Step == step {
			x.effects[i].Note = x.obs.blind // it says more than "not attributed"
			break
		}
	}
	return false
}

// settleSpacing is the pause between settling readings. x.mu is held.
func (x *Experiment) settleSpacing() time.Duration {
	if x.obs.spacing > 0 {
		return x.obs.spacing
	}
	return settleInterval
}

// showsField reports whether any item has a value at the JSON pointer ptr.
func showsField(items []Item, ptr string) bool {
	if ptr == "" {
		return false
	}
	for _, it := range items {
		var v any
		if json.Unmarshal([]byte(it.JSON), &v) != nil {
			continue
		}
		if at, ok := resolvePointer(v, ptr); ok && at != nil {
			return true
		}
	}
	return false
}

// settledIfDirty is the snapshot before a step: settled when requests were
// sent since the last settled snapshot (their effects may still be arriving
// and must not land in this step), a single reading otherwise.
func (x *Experiment) settledIfDirty(ctx context.Context) (Snapshot, error) {
	x.mu.Lock()
	dirty := x.obs.dirty
	x.mu.Unlock()
	if dirty {
		return x.settled(ctx, time.Now())
	}
	return x.observe(ctx)
}

// settled takes snapshots until two consecutive ones agree (see above);
// since is when the step whose effect it waits for began.
func (x *Experiment) settled(ctx context.Context, since time.Time) (Snapshot, error) {
	x.mu.Lock()
	x.obs.dirty = false
	spacing := x.settleSpacing()
	x.mu.Unlock()
	snap, shown, first, err := settle(ctx, spacing, x.observe, x.agree)
	if err != nil {
		return Snapshot{}, err
	}
	x.mu.Lock()
	returned := x.obs.returned
	x.obs.last, x.obs.lastChange, x.obs.haveLast, x.obs.returned = snap, max(0, shown.Sub(since)), true, nil
	x.obs.immediate = first
	x.obs.shown = snap.Items != nil && showsIDs(snap, returned)
	x.mu.Unlock()
	return snap, nil
}

// agree reports whether two readings show the same state: the same count
// as this experiment counts it, and the same attributed items. Readings
// that cannot be counted agree only when no canary could make them
// countable (waiting would not help; Measure reports the error).
func (x *Experiment) agree(a, b Snapshot) bool {
	na, errA := x.count(a)
	nb, errB := x.count(b)
	if errA != nil || errB != nil {
		return x.canary == ""
	}
	if na != nb {
		return false
	}
	if !x.attributed() {
		return true
	}
	return sameIDs(canaryItems(a.Items, x.canary), canaryItems(b.Items, x.canary))
}

// settle reads with take until two consecutive readings agree, pausing
// spacing between them, for at most settleBound; it returns the last
// reading and when the reading that first showed its state ended.
//
// That end, not when the reading began nor how long after the first
// reading the state changed, bounds the list's lag from above: a reading
// that shows an item was served after the item became visible, and ended
// later still. Measured from the settle's start, a client slowed by a
// loaded machine saw its control's item "at once" and spaced the later
// readings too closely, so a later step's item arrived a step late (a
// false alarm).
func settle(ctx context.Context, spacing time.Duration, take func(context.Context) (Snapshot, error), agree func(a, b Snapshot) bool) (snap Snapshot, shown time.Time, first bool, err error) {
	start := time.Now()
	prev, err := take(ctx)
	if err != nil {
		return Snapshot{}, time.Time{}, false, err
	}
	shown, first = time.Now(), true
	for {
		if err := sleep(ctx, spacing); err != nil {
			return Snapshot{}, time.Time{}, false, err
		}
		at := time.Since(start)
		cur, err := take(ctx)
		if err != nil {
			return Snapshot{}, time.Time{}, false, err
		}
		if agree(prev, cur) || at >= settleBound {
			return cur, shown, first, nil
		}
		prev, shown, first = cur, time.Now(), false
	}
}

// sameIDs reports whether two item lists hold the same ids.
func sameIDs(a, b []Item) bool {
	if len(a) != len(b) {
		return false
	}
	ids := make(map[string]bool, len(a))
	for _, it := range a {
		ids[it.ID] = true
	}
	for _, it := range b {
		if !ids[it.ID] {
			return false
		}
	}
	return true
}
