package generic_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/probes"
)

// Failures are grouped by probe and reason with the values that differ
// between operations (ids, quoted names, numbers) masked, so that 129
// errors with one cause read as one line.

var (
	// idRE: a token with a digit and at least 6 characters (an id, a key,
	// a uuid), or with an underscore-separated tail of them.
	idRE     = regexp.MustCompile(`[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]{5,}|[A-Za-z0-9]*_[A-Za-z0-9_]{6,}[0-9][A-Za-z0-9_]*`)
	numberRE = regexp.MustCompile(`\b\d+(\.\d+)?(ms|s|µs)?\b`)
)

func mask(reason string) string {
	reason = idRE.ReplaceAllString(reason, "ID")
	reason = numberRE.ReplaceAllString(reason, "N")
	if len(reason) > 300 {
		reason = reason[:300] + "…"
	}
	return reason
}

type group struct {
	key   string
	count int
	ops   []string
}

func groupBy(items []struct{ key, op string }, examples int) []group {
	byKey := map[string]*group{}
	for _, it := range items {
		g := byKey[it.key]
		if g == nil {
			g = &group{key: it.key}
			byKey[it.key] = g
		}
		g.count++
		if len(g.ops) < examples && !contains(g.ops, it.op) {
			g.ops = append(g.ops, it.op)
		}
	}
	out := make([]group, 0, len(byKey))
	for _, g := range byKey {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].key < out[j].key
	})
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func formatGroups(title string, gs []group) string {
	if len(gs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", title)
	for _, g := range gs {
		fmt.Fprintf(&b, "  %4d× %s\n        e.g. %s\n", g.count, g.key, strings.Join(g.ops, "; "))
	}
	return b.String()
}

// grouped lists the row's errors, failures and invalid requests by reason.
func (row sweepRow) grouped() string {
	var errs, fails, invalid, keyOnly []struct{ key, op string }
	for _, r := range row.results {
		it := struct{ key, op string }{r.Probe + ": " + mask(r.Reason), r.Operation.Name()}
		switch {
		case r.Verdict == probes.Error:
			errs = append(errs, it)
		case r.Verdict == probes.Fail && r.Severity >= row.gate && !r.Accepted:
			it.key = fmt.Sprintf("%s (%s): %s", r.Probe, r.Severity, mask(r.Reason))
			fails = append(fails, it)
		}
	}
	for _, iv := range row.invalid {
		for _, reason := range iv.Reasons {
			it := struct{ key, op string }{mask(reason), iv.Method + " " + iv.Path}
			if iv.KeyOnly {
				keyOnly = append(keyOnly, it)
			} else {
				invalid = append(invalid, it)
			}
		}
	}
	var unrouted []struct{ key, op string }
	for _, u := range row.realUnrouted() {
		unrouted = append(unrouted, struct{ key, op string }{mask(u), u})
	}
	return formatGroups("errors", groupBy(errs, 3)) +
		formatGroups("failures at or above the gate", groupBy(fails, 3)) +
		formatGroups("invalid requests received (violations)", groupBy(invalid, 3)) +
		formatGroups("requests for what the document does not have", groupBy(unrouted, 3)) +
		formatGroups("(not counted) invalid only in the idempotency key, as missing-key and key-format send on purpose", groupBy(keyOnly, 2))
}

func groupStrings(ss []string, examples int) string {
	items := make([]struct{ key, op string }, len(ss))
	for i, s := range ss {
		items[i] = struct{ key, op string }{mask(s), s}
	}
	var b strings.Builder
	for _, g := range groupBy(items, 1) {
		fmt.Fprintf(&b, "  %4d× %s\n        e.g. %s\n", g.count, g.key, strings.Join(g.ops, "; "))
	}
	_ = examples
	return b.String()
}

// deliberateProbes send requests that break the document's idempotency key
// on purpose: without the key where it is required, or with one of
// another shape.
var deliberateProbes = map[string]bool{"missing-key": true, "key-format": true}

// keyOnlySplit attributes the invalid requests that break only the key to
// the probes whose evidence holds their answer (by its Request-Id):
// deliberate when missing-key or key-format sent them, other when another
// probe did (natural-put sending a PUT without the key the document
// requires is a defect), unattributed when no evidence was kept (a result
// keeps at most a few exchanges).
func (row sweepRow) keyOnlySplit() (deliberate, other, unattributed int, others map[string]int) {
	sender := map[string]string{} // Request-Id → probe
	for _, r := range row.results {
		for _, e := range r.Evidence {
			if e.Response == nil {
				continue
			}
			for name, vs := range e.Response.Header {
				if strings.EqualFold(name, generic.RequestIDHeader) && len(vs) > 0 {
					sender[vs[0]] = r.Probe
				}
			}
		}
	}
	others = map[string]int{}
	for _, iv := range row.invalid {
		if !iv.KeyOnly {
			continue
		}
		probe, ok := sender[iv.RequestID]
		switch {
		case !ok:
			unattributed++
		case deliberateProbes[probe]:
			deliberate++
		default:
			other++
			others[probe+": "+mask(strings.Join(iv.Reasons, "; "))+" ("+iv.Operation+")"]++
		}
	}
	return deliberate, other, unattributed, others
}
