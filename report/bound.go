package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// Reports keep a bounded amount of evidence: a large run has thousands of
// exchanges, each with bodies of up to probes.MaxBody, and CI artifact
// viewers, code scanning and reviewers all have limits. What is kept:
//
//   - of each body, its start and the places the result's diffs point at
//     (probes.DiffPointers), each member whole with a little context; the
//     cuts are marked in the text and counted in BodyCut;
//   - on the first result of each kind (group.go), every exchange and the
//     observers' snapshot diffs; on the later ones, the exchanges that
//     prove them: not the setup and control exchanges, which the first
//     shows, and at most a few of the rest, those the reason and diffs
//     name first (a later skip, whose reason says why, keeps none), and
//     the counts and items of the observers without their snapshots.
//     EvidenceOmitted counts the exchanges left out.
//
// The JSON report keeps everything with --evidence full.

// budget is how much evidence one result keeps.
type budget struct {
	body        int // bytes of a body's start
	windows     int // places a diff points at kept in one body
	window      int // most bytes of one such place
	context     int // bytes kept either side of it
	headerValue int // bytes of one header value, or of a URL
	exchanges   int // most exchanges; all when negative
	effectDiff  int // bytes of an effect's snapshot diff; all when negative
}

var (
	// firstBudget is the first result of a kind's: all its exchanges,
	// 4 KiB of each body and up to 8 places.
	firstBudget = budget{body: 4 << 10, windows: 8, window: 2 << 10, context: 64, headerValue: 1 << 10, exchanges: -1, effectDiff: -1}
	// laterBudget is a later failure's or error's: what proves it.
	laterBudget = budget{body: 96, windows: 1, window: 512, context: 32, headerValue: 256, exchanges: 2, effectDiff: 0}
	// laterPassBudget is a later pass's: a sample of what it compared.
	laterPassBudget = budget{body: 96, windows: 1, window: 256, context: 32, headerValue: 256, exchanges: 1, effectDiff: 0}
	// laterSkipBudget is a later skip's: its reason says why.
	laterSkipBudget = budget{body: 96, windows: 1, window: 256, context: 32, headerValue: 256, exchanges: 0, effectDiff: 0}
)

// budgetOf is the budget of a result: the first of its kind keeps the
// most, a later failure what proves it, a later pass a sample, a later
// skip its reason.
func budgetOf(r probes.Result, first bool) budget {
	switch {
	case first:
		return firstBudget
	case r.Verdict == probes.Pass:
		return laterPassBudget
	case r.Verdict == probes.Skip:
		return laterSkipBudget
	}
	return laterBudget
}

// boundResult is r with its evidence bounded to b.
func boundResult(r probes.Result, b budget) probes.Result {
	var pointers []string
	for _, d := range r.Diffs {
		pointers = append(pointers, probes.DiffPointers(d)...)
	}
	// An id first: that a retry names another resource is what a reader
	// looks for; then the places in the order the diffs name them.
	slices.SortStableFunc(pointers, func(a, b string) int { return cmp.Compare(idRank(a), idRank(b)) })
	kept, omitted := provingExchanges(r, b.exchanges)
	r.EvidenceOmitted += omitted
	r.Evidence = nil
	if len(kept) > 0 {
		r.Evidence = make([]probes.Exchange, len(kept))
		for i, x := range kept {
			r.Evidence[i] = boundExchange(x, pointers, b)
		}
	}
	if b.effectDiff >= 0 && len(r.Effects) > 0 {
		effects := make([]probes.Effect, len(r.Effects))
		for i, e := range r.Effects {
			if len(e.Diff) > b.effectDiff {
				e.Diff = "" // the counts and the items added say it; the first result of the kind shows the snapshots
				if b.effectDiff > 0 {
					e.Diff = truncateEnd(r.Effects[i].Diff, b.effectDiff)
				}
			}
			effects[i] = e
		}
		r.Effects = effects
	}
	return r
}

// provingExchanges picks the exchanges of r a later result keeps: all of
// them when limit is negative, none when it is 0; else those that are
// not setup or controls (all when that leaves none), and of those, when
// there are more than limit, limit in a row: the first one the reason and diffs
// name and those before it.
func provingExchanges(r probes.Result, limit int) ([]probes.Exchange, int) {
	ev := r.Evidence
	switch {
	case limit < 0 || len(ev) == 0:
		return ev, 0
	case limit == 0:
		return nil, len(ev)
	}
	var cand []int
	for i, x := range ev {
		label := strings.ToLower(strings.TrimSpace(x.Label))
		if !strings.HasPrefix(label, "setup") && !strings.HasPrefix(label, "control") {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		for i := range ev {
			cand = append(cand, i)
		}
	}
	if len(cand) > limit {
		// The first exchange the reason or diffs name, with those just
		// before it: what a diff compares is recorded one after the other
		// (the first request and its retry, a stored result and a copy).
		text := strings.ToLower(r.Reason + "\n" + strings.Join(r.Diffs, "\n"))
		m := 0
		for k, i := range cand {
			if mentioned(text, ev[i].Label) {
				m = k
				break
			}
		}
		start := max(0, m-(limit-1))
		end := min(len(cand), start+limit)
		cand = cand[end-limit : end]
	}
	keep := map[int]bool{}
	for _, i := range cand {
		keep[i] = true
	}
	out := make([]probes.Exchange, 0, len(keep))
	for i, x := range ev {
		if keep[i] {
			out = append(out, x)
		}
	}
	return out, len(ev) - len(out)
}

// mentioned reports whether text (lower case) names the exchange labelled
// label: its label, or the label up to its first colon ("round 2 copy 3",
// "empty key").
func mentioned(text, label string) bool {
	label = strings.ToLower(strings.TrimSpace(label))
	if head, _, ok := strings.Cut(label, ":"); ok {
		label = head
	}
	return label != "" && strings.Contains(text, label)
}

// boundExchange is x with its bodies, header values and URL bounded.
func boundExchange(x probes.Exchange, pointers []string, b budget) probes.Exchange {
	x.Request.URL = truncateEnd(x.Request.URL, b.headerValue)
	x.Request.Header = boundHeader(x.Request.Header, b.headerValue)
	var cut int
	x.Request.Body, cut = boundBody(x.Request.Body, nil, b)
	x.Request.BodyCut += cut
	if x.Response != nil {
		resp := *x.Response
		resp.Header = boundHeader(resp.Header, b.headerValue)
		resp.Body, cut = boundBody(resp.Body, pointers, b)
		resp.BodyCut += cut
		x.Response = &resp
	}
	return x
}

// boundHeader caps every value of h at max bytes, in a copy when any is
// longer.
func boundHeader(h map[string][]string, max int) map[string][]string {
	long := false
	for _, vs := range h {
		for _, v := range vs {
			long = long || len(v) > max
		}
	}
	if !long {
		return h
	}
	out := make(map[string][]string, len(h))
	for name, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = truncateEnd(v, max)
		}
		out[name] = cp
	}
	return out
}

// boundBody keeps the start of body and the places pointers name in it,
// each with b.context bytes either side, and marks what it leaves out. It
// never cuts inside a place, unless the place alone is longer than
// b.window. It returns the kept text and the bytes left out.
func boundBody(body string, pointers []string, b budget) (string, int) {
	if len(body) <= b.body+len(truncatedMarker(len(body))) {
		return body, 0
	}
	keep := []span{{0, runeStart(body, b.body)}}
	if len(pointers) > b.windows {
		pointers = pointers[:b.windows] // the first places the diff names
	}
	spans := jsonSpans(body, pointers)
	for _, s := range spans {
		if s.end-s.start > b.window {
			s.end = s.start + b.window
		}
		w := widen(body, s, b.context)
		if last := &keep[len(keep)-1]; w.start <= last.end+len(truncatedMarker(w.start-last.end)) {
			last.end = max(last.end, w.end) // close enough: one piece, no marker longer than the gap
			continue
		}
		keep = append(keep, w)
	}
	var out strings.Builder
	cut, at := 0, 0
	skip := func(to int) { // what lies between the kept pieces: a marker, unless it is shorter
		if gap := to - at; gap > len(truncatedMarker(gap)) {
			out.WriteString(truncatedMarker(gap))
			cut += gap
		} else {
			out.WriteString(body[at:to])
		}
	}
	for _, k := range keep {
		skip(k.start)
		out.WriteString(body[k.start:k.end])
		at = k.end
	}
	skip(len(body))
	return out.String(), cut
}

// widen extends a place by up to context bytes either side, to the nearest
// separator (a comma, bracket or line end), so the kept piece starts and
// ends between JSON values rather than inside one.
func widen(body string, s span, context int) span {
	w := s
	if i := strings.LastIndexAny(body[max(0, s.start-context):s.start], ",{[\n"); i >= 0 {
		w.start = max(0, s.start-context) + i + 1
	}
	if i := strings.IndexAny(body[s.end:min(len(body), s.end+context)], ",}]\n"); i >= 0 {
		w.end = s.end + i + 1
	}
	return span{runeStart(body, w.start), runeStart(body, w.end)}
}

// idRank is 0 for a pointer to an id ("/id", "/data/id", "/payment_id"),
// 1 for any other.
func idRank(p string) int {
	last := strings.ToLower(p[strings.LastIndexByte(p, '/')+1:])
	if last == "id" || strings.HasSuffix(last, "_id") || strings.HasSuffix(last, "id") && len(last) > 2 && p[len(p)-2] == 'I' {
		return 0
	}
	return 1
}
