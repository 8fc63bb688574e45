package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// shown is a run as the reports show it: its results sorted into kinds,
// each result read back from the spool and its evidence bounded when a
// report writes it. Every format but the JSON with --evidence full shows
// the same bounded evidence.
type shown struct {
	run   *Run
	kinds *kinds
	full  bool // every exchange, whole (JSON --evidence full)
	// forPeople shortens a later result's diffs too (readDiffs): the
	// formats people read page through hundreds of them.
	forPeople bool
}

func newShown(run *Run) *shown { return &shown{run: run, kinds: classify(run)} }

// newShownForPeople is newShown for the formats people read.
func newShownForPeople(run *Run) *shown {
	s := newShown(run)
	s.forPeople = true
	return s
}

// result is the i-th result as shown: with its evidence, bounded unless
// full (bound.go).
func (s *shown) result(i int) (probes.Result, error) {
	r, err := s.run.Result(i)
	if err != nil || s.full {
		return r, err
	}
	first := s.kinds.first[i]
	r = boundResult(r, budgetOf(r, first))
	if s.forPeople && !first {
		r.Diffs = readDiffs(r.Diffs)
		r.Effects = readEffects(r.Effects)
	}
	return r, nil
}

// idLinesFirst moves the lines of a diff that name an id ("body /id: …")
// before the other body lines, so a cut diff still shows which resources
// the two replies name.
func idLinesFirst(lines []string) []string {
	first, last := -1, -1
	for i, l := range lines {
		if p := probes.DiffPointers(l); len(p) == 1 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return lines
	}
	out := slices.Clone(lines)
	slices.SortStableFunc(out[first:last+1], func(a, b string) int {
		return cmp.Compare(lineRank(a), lineRank(b))
	})
	return out
}

// lineRank ranks a diff line: an id first, then other body values.
func lineRank(line string) int {
	if p := probes.DiffPointers(line); len(p) == 1 {
		return idRank(p[0])
	}
	return 1
}

// readEffects are effects with at most maxReadItems items named each.
func readEffects(effects []probes.Effect) []probes.Effect {
	out := make([]probes.Effect, len(effects))
	for i, e := range effects {
		e.Added, e.Removed = readItems(e.Added), readItems(e.Removed)
		out[i] = e
	}
	return out
}

// readItems are the first maxReadItems items, then how many more.
func readItems(items []string) []string {
	if len(items) <= maxReadItems {
		return items
	}
	more := len(items) - maxReadItems
	if last := items[len(items)-1]; strings.HasPrefix(last, "… and ") { // the probes' own count of the rest
		var n int
		if _, err := fmt.Sscanf(last, "… and %d more", &n); err == nil {
			more += n - 1
		}
	}
	return append(items[:maxReadItems:maxReadItems], fmt.Sprintf("… and %d more", more))
}

// Bounds of the diffs of a later result of a kind, in the formats people
// read: the first of the kind shows its diffs whole, the JSON every diff.
const (
	maxReadDiffs     = 2
	maxReadDiffLines = 4
	maxReadItems     = 3 // of the items an effect names
)

// readDiffs are the first maxReadDiffs diffs, each cut after
// maxReadDiffLines lines, with a line saying what was left out.
func readDiffs(diffs []string) []string {
	var out []string
	for i, d := range diffs {
		if i == maxReadDiffs {
			out = append(out, fmt.Sprintf("(%s more in the JSON report)", plural(len(diffs)-i, "diff")))
			break
		}
		lines := idLinesFirst(strings.Split(strings.TrimRight(d, "\n"), "\n"))
		if len(lines) > maxReadDiffLines {
			lines = append(lines[:maxReadDiffLines], fmt.Sprintf("  … %s more (the JSON report has the whole diff)", plural(len(lines)-maxReadDiffLines, "line")))
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return out
}
