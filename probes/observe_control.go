package probes

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Observers earn trust (docs/design.md): before an observer's readings count,
// it is read twice with nothing sent in between. An observer that reads
// differently by itself would turn its own churn into side effects: a list
// that renders fresh ids on every read "adds" items on every step, a
// counter that other traffic moves "counts" a retry. So:
//
//   - Two readings agree when the items that carry no idemcheck canary
//     have the same count and the same ids, and each canary found in both
//     readings names the same ids in both. Items whose canary is in one
//     reading only are other experiments' (other runs' on a shared server:
//     each is attributed to its own) and do not count; a canary item whose
//     id changed is an id rendered anew. The items' JSON may differ (a
//     field re-rendered on every read): no verdict rests on it, only on
//     counts and ids.
//   - An observer inferred from the document that reads differently, or
//     fails, is not used: for the run (dropUnusableObservers), or for the
//     experiment when it was inferred for the experiment's own paths (a
//     chained parent's list, another resource's list); every result it
//     would have served says why, and judges on the responses. An empty
//     list agrees with itself whatever its server does, so the control is
//     run again before and after the steps of later experiments until the
//     observer agreed with itself on items (vetOnce).
//   - An observer the user declared that reads differently is an error at
//     preflight (CheckObserver) naming it and what changed: the user asked
//     for it explicitly, so silently dropping it would hide that the
//     evidence they configured is not there; and counting with it would
//     turn its churn into findings.

// controlPause is the pause between the two readings of the control:
// long enough for a server that renders a fresh value on every read to
// show it, short enough to run before every observer is used.
const controlPause = 50 * time.Millisecond

// anyCanary matches a canary of any experiment (canary.go): "idem-" and 7
// hex digits, "-" and more hex digits.
var anyCanary = regexp.MustCompile(canaryTag + `[0-9a-f]{7}-[0-9a-f]{6,}`)

// control is what the read-read control found.
type control struct {
	// changed says how the two readings differ; "" when they agree.
	changed string
	// items is set when the readings showed items: only then do ids that
	// agree mean anything (an empty list agrees with itself whatever its
	// server does), so an observer vetted without items is vetted again
	// before a later step (vetOnce).
	items bool
}

// readTwice reads o twice, controlPause apart, with nothing sent in
// between; err is a failed reading.
func readTwice(ctx context.Context, env *Env, o Observer) (control, error) {
	ctx = withCanaryPrefix(ctx, newCanary()) // a command that filters by the canary counts nothing, stably
	a, err := o.Snapshot(ctx, env)
	if err != nil {
		return control{}, err
	}
	if err := sleep(ctx, controlPause); err != nil {
		return control{}, err
	}
	b, err := o.Snapshot(ctx, env)
	if err != nil {
		return control{}, err
	}
	c := control{items: len(withoutAnyCanary(a.Items)) > 0 || len(withoutAnyCanary(b.Items)) > 0 || len(sharedCanaries(a.Items, b.Items)) > 0}
	if d := readingsDiffer(a, b); d != "" {
		c.changed = fmt.Sprintf("two readings %v apart with nothing sent in between differ: %s", controlPause, d)
	}
	return c, nil
}

// readingsDiffer says how two readings of one observer differ in what the
// verdicts rest on (see above); "" when they agree.
func readingsDiffer(a, b Snapshot) string {
	ai, bi := withoutAnyCanary(a.Items), withoutAnyCanary(b.Items)
	na, nb := a.Count-(len(a.Items)-len(ai)), b.Count-(len(b.Items)-len(bi))
	var parts []string
	if na != nb {
		parts = append(parts, fmt.Sprintf("count %d → %d", na, nb))
	}
	am, bm := itemMap(ai), itemMap(bi)
	added, removed := keyDiff(am, bm)
	if len(added) > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s) appeared (%s)", len(added), listed(added)))
	}
	if len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s) disappeared (%s)", len(removed), listed(removed)))
	}
	rerendered := len(added) > 0 && len(added) == len(removed) && na == nb
	for _, canary := range sharedCanaries(a.Items, b.Items) {
		if ia, ib := canaryIDs(a.Items, canary), canaryIDs(b.Items, canary); ia != ib {
			parts = append(parts, fmt.Sprintf("the item carrying %s read as %s, then %s", canary, ia, ib))
			rerendered = true
			break
		}
	}
	if rerendered {
		parts = append(parts, "the same items with other ids: the ids are rendered anew on every read")
	}
	return strings.Join(parts, "; ")
}

// sharedCanaries are the canaries items of both readings carry, sorted.
func sharedCanaries(a, b []Item) []string {
	in := map[string]bool{}
	for _, it := range a {
		if c := anyCanary.FindString(it.JSON); c != "" {
			in[c] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, it := range b {
		if c := anyCanary.FindString(it.JSON); c != "" && in[c] && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// canaryIDs are the ids of the items carrying canary, sorted and joined.
func canaryIDs(items []Item, canary string) string {
	var ids []string
	for _, it := range items {
		if strings.Contains(it.JSON, canary) {
			ids = append(ids, it.ID)
		}
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// withoutAnyCanary are the items that carry no idemcheck canary.
func withoutAnyCanary(items []Item) []Item {
	out := make([]Item, 0, len(items))
	for _, it := range items {
		if !anyCanary.MatchString(it.JSON) {
			out = append(out, it)
		}
	}
	return out
}

// listed renders up to three ids for a message.
func listed(ids []string) string {
	sort.Strings(ids)
	if len(ids) > 3 {
		return strings.Join(ids[:3], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}

// vetInferred runs the control on an inferred observer and returns why it
// is not to be used ("" when it may be), recording what it found in the
// run's knowledge of the observer (vetOnce); an observer of a family the
// run already vetted (the same list under another parent) is not read.
// A declared observer is vetted at preflight only (CheckObserver).
func vetInferred(ctx context.Context, env *Env, o Observer) string {
	if o == nil || !inferred(o) {
		return ""
	}
	if done, why := env.reads.vetState(vetKey(o)); done {
		return why
	}
	c, err := readTwice(ctx, env, o)
	switch {
	case ctx.Err() != nil:
		return ""
	case err != nil:
		return fmt.Sprintf("side effects not observed: %s failed (%v); declare an observer in the configuration file to count them", o.Name(), err)
	}
	return env.reads.vetted(vetKey(o), o.Name(), c)
}

// vetKey is what the run's knowledge of an observer's control is kept
// under: its family (the planned list a chained experiment's list or
// another resource's list derives from: the same endpoint, whose reads
// behave alike whatever the parent), else its name.
func vetKey(o Observer) string {
	if f, ok := o.(interface{ family() string }); ok && f.family() != "" {
		return f.family()
	}
	return o.Name()
}

// ofFamily marks o, inferred for an experiment's own paths, as derived
// from the planned observer named from; o itself when it is another kind.
func ofFamily(o Observer, from string) Observer {
	switch t := o.(type) {
	case *CollectionObserver:
		t.from = from
	case *ResourceObserver:
		t.from = from
	}
	return o
}

// vetOnce is the control an experiment runs before a step when the run has
// not yet seen its inferred observer agree with itself on items (an empty
// list at preflight tells nothing of ids a server renders anew). It
// returns why the observer is not used ("" when it is), from the run's
// knowledge when the observer was found to read differently before.
func (x *Experiment) vetOnce(ctx context.Context) string {
	o := x.Observer
	if o == nil || !inferred(o) {
		return ""
	}
	return vetInferred(ctx, x.Env, o)
}

// vetWithItems runs the control when a step's reading after shows items
// and the run has not yet seen the observer agree with itself on items:
// the step's effect counts only if it does. "" when it may be used.
func (x *Experiment) vetWithItems(ctx context.Context, after Snapshot) string {
	if len(after.Items) == 0 {
		return ""
	}
	return x.vetOnce(ctx)
}

// vetted records a control's outcome for the observer name under key
// (vetKey) and returns why the observer is not used, "" when it is. An
// observer that read differently once is not used for the rest of the run,
// nor is its family.
func (k *readKnowledge) vetted(key, name string, c control) string {
	if k == nil {
		return ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.entry(key)
	switch {
	case r.unusable != "":
	case c.changed != "":
		r.unusable = fmt.Sprintf("side effects not observed: %s reads differently by itself (%s), so it is not used; declare an observer in the configuration file to count them", name, c.changed)
	case c.items:
		r.vetted = true
	}
	return r.unusable
}

// vetState says whether the observers under key need no more controls,
// and why they are not used ("" when they are).
func (k *readKnowledge) vetState(key string) (done bool, why string) {
	if k == nil {
		return true, ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.m[key]
	if r == nil {
		return false, ""
	}
	return r.vetted || r.unusable != "", r.unusable
}
