package report

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// On a large API one defect shows on hundreds of operations with the same
// reason but for its ids and numbers. A reader wants it once, with a count
// and the operations, so results are sorted into kinds: the same probe,
// verdict, severity and reason shape. The human formats group findings by
// kind, and evidence is kept whole only on the first result of a kind
// (bound.go).

// kind is one kind of result.
type kind struct {
	kindKey
	results []int // indexes into Run.Results, in order
}

// kindKey is what results of one kind share.
type kindKey struct {
	probe    string
	verdict  probes.Verdict
	accepted bool
	severity string // severityLabel, for failures
	shape    string // reasonShape of the reason
}

// finding reports whether the kind is a failure or an error.
func (k *kind) finding() bool { return k.verdict != probes.Pass && k.verdict != probes.Skip }

// operations counts the distinct operations of the kind's results.
func (k *kind) operations(run *Run) int {
	seen := map[probes.OperationRef]bool{}
	for _, i := range k.results {
		seen[run.Results[i].Operation] = true
	}
	return len(seen)
}

// kinds are the results of a run sorted into kinds.
type kinds struct {
	all   []*kind
	of    []int  // per result: the index of its kind in all
	first []bool // per result: the first of its kind
}

// classify sorts run's results into kinds, in the order they first occur.
func classify(run *Run) *kinds {
	k := &kinds{of: make([]int, len(run.Results)), first: make([]bool, len(run.Results))}
	index := map[kindKey]int{}
	for i, r := range run.Results {
		key := kindKey{probe: sanitizeLine(r.Probe), verdict: verdictOf(r), accepted: r.Verdict == probes.Fail && r.Accepted, shape: reasonShape(resultReason(r))}
		if r.Verdict == probes.Fail {
			key.severity = severityLabel(r)
		}
		n, ok := index[key]
		if !ok {
			n = len(k.all)
			index[key] = n
			k.all = append(k.all, &kind{kindKey: key})
			k.first[i] = true
		}
		k.of[i] = n
		k.all[n].results = append(k.all[n].results, i)
	}
	return k
}

// verdictOf is r's verdict, any unknown one counted as an error (Counts).
func verdictOf(r probes.Result) probes.Verdict {
	switch r.Verdict {
	case probes.Pass, probes.Fail, probes.Skip:
		return r.Verdict
	}
	return probes.Error
}

// groups are the kinds of findings, the most urgent first: failures that
// count against the gate by severity, then accepted ones, then errors; the
// larger kind first within each, then the order they occurred.
func (k *kinds) groups(run *Run) []*kind {
	var out []*kind
	for _, kk := range k.all {
		if kk.finding() {
			out = append(out, kk)
		}
	}
	rank := func(kk *kind) int {
		switch {
		case kk.verdict == probes.Fail && !kk.accepted:
			return 0
		case kk.verdict == probes.Fail:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b *kind) int {
		ra, rb := run.Results[a.results[0]], run.Results[b.results[0]]
		return cmp.Or(
			cmp.Compare(rank(a), rank(b)),
			cmp.Compare(rb.Severity, ra.Severity),
			cmp.Compare(len(b.results), len(a.results)),
		)
	})
	return out
}

// findingCount is the number of failures and errors of a run.
func findingCount(run *Run) int {
	n := 0
	for _, r := range run.Results {
		if r.Verdict != probes.Pass && r.Verdict != probes.Skip {
			n++
		}
	}
	return n
}

// screenful is how many findings a reader takes in at a glance: a run with
// more is shown grouped by kind, a summary table first.
const screenful = 25

// large reports whether run has more than a screenful of findings or of
// operations, and is shown grouped.
func large(run *Run) bool {
	if findingCount(run) > screenful {
		return true
	}
	ops := map[probes.OperationRef]bool{}
	for _, r := range run.Results {
		ops[r.Operation] = true
	}
	return len(ops) > screenful
}

// reasonToken is a word, number or id in a reason.
var reasonToken = regexp.MustCompile(`[A-Za-z0-9_µ-]+`)

// reasonQuoted is a quoted value, a URL, a path or an IP address (with its
// port) in a reason.
var reasonQuoted = regexp.MustCompile("\"[^\"]*\"|`[^`]*`|https?://[^\\s,;)]+|(?:^|[\\s(])/[^\\s,;)]*|\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b|\\[[0-9a-fA-F:]+\\](?::\\d+)?")

// reasonShape is a reason with what differs from one operation to the next
// taken out: quoted values, URLs, paths and addresses become "…", ids (words of 8 or
// more characters with a digit, or with an underscore and a digit) "…",
// and numbers "N", except three-digit HTTP statuses, which say what
// happened: "retry 1 differs (status 201 → 409)" and "retry 2 differs
// (status 201 → 409)" are one shape, "… → 500" another.
func reasonShape(reason string) string {
	s := reasonQuoted.ReplaceAllStringFunc(reason, func(m string) string {
		if m != "" && (m[0] == ' ' || m[0] == '\t' || m[0] == '(') {
			if strings.HasSuffix(m, ":") { // a path before ": why"
				return m[:1] + "…:"
			}
			return m[:1] + "…"
		}
		if strings.HasPrefix(m, `"`) {
			return `"…"`
		}
		return "…"
	})
	return reasonToken.ReplaceAllStringFunc(s, shapeToken)
}

// shapeToken is one token of a reason as its shape keeps it.
func shapeToken(t string) string {
	digits, letters := 0, 0
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c != '_' && c != '-':
			letters++
		}
	}
	switch {
	case digits == 0:
		return t
	case digits == len(t):
		if len(t) == 3 && t[0] >= '1' && t[0] <= '5' {
			return t // an HTTP status
		}
		return "N"
	case len(t) == 3 && digits == 1 && t[1:] == "xx":
		return t // a class of statuses: 4xx
	case len(t) >= 8 || strings.Contains(t, "_"):
		return "…"
	}
	if i := strings.IndexFunc(t, func(c rune) bool { return c < '0' || c > '9' }); i > 0 && digits == i {
		return "N" + t[i:] // a number with its unit: 50ms, 2xx
	}
	return t
}
