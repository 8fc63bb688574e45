package probes

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Observers earn trust (DESIGN.md): before an observer's readings count,
// it is read twice with nothing sent in between. An observer that reads
// differently by itself would turn its own churn into side effects: a list
// that renders fresh ids on every read "adds" items on every step, a
// counter that other traffic moves "counts" a retry. So:
//
//   - Two readings agree when, leaving out the items that carry an
//     idemcheck canary (other experiments', or other runs' on a shared
//     server: each is attributed to its own), they have the same count and
//     the same item ids. The items' JSON may differ (a field re-rendered on
//     every read): no verdict rests on it, only on counts and ids.
//   - An observer inferred from the document that reads differently, or
//     fails, is not used: for the run (dropUnusableObservers), or for the
//     experiment when it was inferred for the experiment's own paths (a
//     chained parent's list, another resource's list); every result it
//     would have served says why, and judges on the responses.
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

// readTwice reads o twice, controlPause apart, with nothing sent in
// between. changed says how the readings differ ("" when they agree); err
// is a failed reading.
func readTwice(ctx context.Context, env *Env, o Observer) (changed string, err error) {
	ctx = withCanaryPrefix(ctx, newCanary()) // a command that filters by the canary counts nothing, stably
	a, err := o.Snapshot(ctx, env)
	if err != nil {
		return "", err
	}
	if err := sleep(ctx, controlPause); err != nil {
		return "", err
	}
	b, err := o.Snapshot(ctx, env)
	if err != nil {
		return "", err
	}
	if d := readingsDiffer(a, b); d != "" {
		return fmt.Sprintf("two readings %v apart with nothing sent in between differ: %s", controlPause, d), nil
	}
	return "", nil
}

// readingsDiffer says how two readings of one observer differ in what the
// verdicts rest on (count and ids, canary-carrying items left out); ""
// when they agree.
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
	if len(added) > 0 && len(added) == len(removed) && na == nb {
		parts = append(parts, "the same count with other ids: the ids are rendered anew on every read")
	}
	return strings.Join(parts, "; ")
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

// vetInferred runs the control on an observer inferred for one
// experiment's own paths and returns the note that says why it is not
// used ("" when it is).
func vetInferred(ctx context.Context, env *Env, o Observer) string {
	if o == nil || !inferred(o) {
		return ""
	}
	changed, err := readTwice(ctx, env, o)
	switch {
	case ctx.Err() != nil:
		return ""
	case err != nil:
		return fmt.Sprintf("side effects not observed: %s failed (%v); declare an observer in the configuration file to count them", o.Name(), err)
	case changed != "":
		return fmt.Sprintf("side effects not observed: %s reads differently by itself (%s), so it is not used; declare an observer in the configuration file to count them", o.Name(), changed)
	}
	return ""
}
