package probes

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Settling (observe_settle.go) costs every measured step two readings and a
// pause, which is all a check of an immediately consistent server spends
// its time on. So a run learns, per observer, whether its reads are
// immediately consistent, and reads once when they are:
//
//   - A processed control tells: when its effect, and every item its
//     responses named, already showed in the first reading after it,
//     the reading was immediate. After immediateAfter such controls, and
//     none whose effect showed late, the observer's snapshots are single
//     readings for the rest of the run (quick).
//   - A quick reading must still show every item that the operation's
//     processed responses named since the last snapshot (the created
//     resource's id). One that does not shows the list updates late: the
//     snapshot settles after all, and the observer settles for the rest of
//     the run. So an item that a response named never arrives during a
//     later step, which is what turned late lists into false alarms.
//   - Quick readings need items to check: an observer that reports only a
//     number (a counter, a command) always settles.
//
// In quick mode the snapshot before a step is not read when it is known:
//
//   - Before the experiment's first request, no item carries its canary
//     (the prefix is fresh), so the snapshot before is the one after
//     without the items that carry it: the same count for other clients'
//     items, none of the experiment's. Only on an observer that was seen
//     to show canaries, so counts are attributed: on one that does not,
//     raw counts need the reading before. (Should the server drop the
//     canary all the same, the step shows no effect, and a control that
//     shows none makes the experiment unobserved: a pass on the
//     responses, never a false alarm.)
//   - After a measured step, when no request was sent since and counts
//     are attributed by the canary, it is the snapshot after that step:
//     that already shows every item the server named, and no other
//     client's item counts.

// immediateAfter is how many controls must show their effect at once before
// an observer's snapshots become single readings.
const immediateAfter = 1

// readKnowledge is what one run learnt about each observer's reads, by name.
type readKnowledge struct {
	mu sync.Mutex
	m  map[string]*observerReads
}

// observerReads is what a run learnt about one observer.
type observerReads struct {
	immediate int  // controls whose effect showed in the first reading
	settle    bool // an effect showed late, or the reads cannot be checked
	canary    bool // an experiment's snapshot showed its canary
	// vetted is set once the read-read control saw the observer agree with
	// itself on items; unusable says why it is not used, once it read
	// differently (observe_control.go).
	vetted   bool
	unusable string
}

// quick reports whether name's snapshots may be single readings.
func (k *readKnowledge) quick(name string) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.m[name]
	return r != nil && !r.settle && r.immediate >= immediateAfter
}

// showsCanary records that name showed an experiment's canary.
func (k *readKnowledge) showsCanary(name string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entry(name).canary = true
}

// knownToShowCanary reports whether name showed an experiment's canary.
func (k *readKnowledge) knownToShowCanary(name string) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.m[name]
	return r != nil && r.canary
}

// entry is name's record, made when missing. k.mu is held.
func (k *readKnowledge) entry(name string) *observerReads {
	if k.m == nil {
		k.m = map[string]*observerReads{}
	}
	r := k.m[name]
	if r == nil {
		r = &observerReads{}
		k.m[name] = r
	}
	return r
}

// late reports whether name was seen to show an effect late.
func (k *readKnowledge) late(name string) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.m[name]
	return r != nil && r.settle
}

// learn records what a control showed of name's reads: its effect in the
// first reading (immediate), or only later.
func (k *readKnowledge) learn(name string, immediate bool) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.entry(name)
	if immediate {
		r.immediate++
	} else {
		r.settle = true
	}
}

// quickReads reports whether the experiment's snapshots may be single
// readings (see above).
func (x *Experiment) quickReads() bool {
	return x.Env.reads.quick(x.Observer.Name())
}

// noteReturned remembers the resource a processed response to a request on
// the operation's own target named: the next snapshot must show it. Not a
// DELETE's: the resource it names (Stripe's answer the object removed) is
// the one a snapshot must no longer show, so a list that reads at once
// would be taken to update late, and settle for the rest of the run.
func (x *Experiment) noteReturned(req *http.Request, r *reply) {
	if req == nil || req.Method == http.MethodDelete || !r.is2xx() || x.Op.Request == nil || req.URL.EscapedPath() != x.ownPath() {
		return
	}
	if id := resourceID(r); id != "" {
		x.mu.Lock()
		x.obs.returned = append(x.obs.returned, id)
		x.mu.Unlock()
	}
}

// ownPath is the escaped path of the operation's planned request.
func (x *Experiment) ownPath() string {
	u, err := url.Parse(joinURL(x.Env.BaseURL, x.Op.Request.Path))
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}

// showsReturned reports whether snap shows every item named by a response
// since the last snapshot; false for a snapshot without items.
func (x *Experiment) showsReturned(snap Snapshot) bool {
	if snap.Items == nil {
		return false
	}
	x.mu.Lock()
	returned := append([]string(nil), x.obs.returned...)
	x.mu.Unlock()
	return showsIDs(snap, returned)
}

// showsIDs reports whether snap has an item with each of ids.
func showsIDs(snap Snapshot, ids []string) bool {
	have := make(map[string]bool, len(snap.Items))
	for _, it := range snap.Items {
		have[it.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return false
		}
	}
	return true
}

// beforeFromAfter reports whether, in quick mode, the snapshot before the
// next step is the one after it without the experiment's items: the
// experiment has a canary, has sent nothing yet, and its observer was seen
// to show canaries (see above).
func (x *Experiment) beforeFromAfter() bool {
	x.mu.Lock()
	fresh := x.canary != "" && !x.obs.sent && len(x.evidence) == 0 && x.dropped == 0
	x.mu.Unlock()
	return fresh && x.Env.reads.knownToShowCanary(x.Observer.Name())
}

// withoutCanary is s without the items that carry prefix.
func withoutCanary(s Snapshot, prefix string) Snapshot {
	out := s
	out.Items = make([]Item, 0, len(s.Items))
	for _, it := range s.Items {
		if !strings.Contains(it.JSON, prefix) {
			out.Items = append(out.Items, it)
		}
	}
	out.Count -= len(s.Items) - len(out.Items)
	return out
}

// quickBefore is the snapshot before a step in quick mode: the last one when
// nothing was sent since and counts are attributed, else one reading that
// must show what the requests since the last snapshot created (it settles
// otherwise, and so does the observer from then on).
func (x *Experiment) quickBefore(ctx context.Context) (Snapshot, error) {
	x.mu.Lock()
	reuse := !x.obs.dirty && x.obs.haveLast && (x.canarySeen || x.obs.last.Attributed)
	last := x.obs.last
	x.mu.Unlock()
	if reuse {
		return last, nil
	}
	return x.quickAfter(ctx, time.Now())
}

// quickAfter is the snapshot after a step in quick mode: one reading when it
// shows every item the step's responses named, else a settled snapshot
// (the step began at since), and the observer settles from then on.
func (x *Experiment) quickAfter(ctx context.Context, since time.Time) (Snapshot, error) {
	snap, err := x.observe(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	if !x.showsReturned(snap) {
		x.Env.reads.learn(x.Observer.Name(), false)
		return x.settled(ctx, since)
	}
	x.mu.Lock()
	x.obs.dirty, x.obs.returned = false, nil
	x.obs.last, x.obs.lastChange, x.obs.haveLast, x.obs.shown, x.obs.immediate = snap, 0, true, true, true
	x.mu.Unlock()
	return snap, nil
}
