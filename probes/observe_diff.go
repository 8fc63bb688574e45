package probes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// maxListed bounds the item ids an Effect lists as added or removed, and
// maxEffectDiff its snapshot diff, so evidence stays readable in a CI log.
const (
	maxListed     = 10
	maxEffectDiff = 3000
)

// effect diffs two snapshots of one step into an Effect: the counts the
// verdicts compare, which items appeared or disappeared (and which response
// named them), and the go-cmp diff of the items.
func (x *Experiment) effect(label string, before, after Snapshot) (Effect, error) {
	e := Effect{Observer: x.Observer.Name(), Step: label}
	var err error
	if e.Before, err = x.count(before); err != nil {
		return e, err
	}
	if e.After, err = x.count(after); err != nil {
		return e, err
	}
	bi, ai := before.Items, after.Items
	if x.attributed() {
		bi, ai = canaryItems(bi, x.canary), canaryItems(ai, x.canary)
	} else if !(before.Attributed && after.Attributed) {
		e.Note = x.rawNote(before.Items != nil || after.Items != nil)
	}
	bm, am := itemMap(bi), itemMap(ai)
	added, removed := keyDiff(bm, am)
	e.Added = x.named(added)
	e.Removed = capList(removed)
	if len(bm)+len(am) > 0 {
		if d := cmp.Diff(bm, am); d != "" {
			e.Diff = capString(d, maxEffectDiff)
		}
	}
	return e, nil
}

// rawNote says why counts are not attributed to this experiment, so a
// reader knows other traffic on the server could show up in them.
func (x *Experiment) rawNote(items bool) string {
	switch {
	case !items:
		return "not attributed: the observer reports a number, which counts other clients' effects too"
	case x.Op.Canary == "":
		return "not attributed: the request has no free-form string field for a canary, so other clients' items are counted too"
	default:
		return fmt.Sprintf("not attributed: the observed items do not show the canary field %s, so other clients' items are counted too", x.Op.Canary)
	}
}

// named renders added item ids with the exchange whose response names them:
// an item no response mentions is a side effect the client was never told of.
func (x *Experiment) named(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	x.mu.Lock()
	evidence := append([]Exchange(nil), x.evidence...)
	x.mu.Unlock()
	out := make([]string, 0, min(len(ids), maxListed+1))
	for i, id := range ids {
		if i == maxListed {
			out = append(out, fmt.Sprintf("… and %d more", len(ids)-maxListed))
			break
		}
		out = append(out, id+" ("+whoReturned(evidence, id)+")")
	}
	return out
}

// whoReturned names the first recorded response whose body contains id.
// Short ids ("7") would match anything, so they are not looked up.
func whoReturned(evidence []Exchange, id string) string {
	if len(id) < 6 {
		return "id too short to trace"
	}
	for _, ex := range evidence {
		if ex.Response != nil && strings.Contains(ex.Response.Body, id) {
			return "returned to " + ex.Label
		}
	}
	return "in no recorded response"
}

// canaryItems are the items whose JSON carries canary.
func canaryItems(items []Item, canary string) []Item {
	out := []Item{}
	for _, it := range items {
		if strings.Contains(it.JSON, canary) {
			out = append(out, it)
		}
	}
	return out
}

// itemMap indexes items by id for diffing.
func itemMap(items []Item) map[string]string {
	m := make(map[string]string, len(items))
	for _, it := range items {
		m[it.ID] = it.JSON
	}
	return m
}

// keyDiff returns the sorted keys only in after (added) and only in before
// (removed).
func keyDiff(before, after map[string]string) (added, removed []string) {
	for k := range after {
		if _, ok := before[k]; !ok {
			added = append(added, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			removed = append(removed, k)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

func capList(ids []string) []string {
	if len(ids) <= maxListed {
		return ids
	}
	return append(ids[:maxListed:maxListed], fmt.Sprintf("… and %d more", len(ids)-maxListed))
}

func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n… (diff truncated)"
}

// attributionNote says once per result that its side-effect counts were
// not attributed by a canary, or not observed at all, and why; nil when
// every count was attributed and observed. Each distinct note is said once.
func attributionNote(effects []Effect) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range effects {
		if e.Note != "" && !seen[e.Note] {
			seen[e.Note] = true
			out = append(out, "side effects "+e.Note)
		}
	}
	return out
}
