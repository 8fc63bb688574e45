// Package report renders an idemcheck Run: the report formats of Formats
// (JUnit XML, JSON, Markdown, HTML, SARIF 2.1.0), the terminal summary,
// GitHub's annotations and step summary, and what plan prints. Every format
// renders the same Run, and one Outcome decides the exit code and every
// gate line; none of them re-derives a verdict. The package also holds what
// surrounds the formats: the evidence a streamed run keeps on disk (Spool),
// JSON reports read back (ReadJSON) to merge shards (Merge) or accept
// findings (Baseline), and the secrets scrubbed from everything written
// (Redact).
package report

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// Run is one idemcheck run: where it pointed, when, and what it found.
type Run struct {
	Tool     string // name and version, e.g. "idemcheck 0.1.0"
	Spec     string // the OpenAPI document, as given on the command line
	BaseURL  string // the server under test
	Started  time.Time
	Duration time.Duration
	// Gate is the --fail-on severity the run is judged by; it is only
	// displayed (the terminal total line, JSON, Markdown). The zero value,
	// probes.Info, means any failure fails the run.
	Gate probes.Severity
	// Stopped says why the run stopped before it finished (a signal, the
	// time budget); "" when it ran to the end. A stopped run never passes.
	Stopped string
	// Results are the verdicts. In a run streamed through a Spool their
	// Evidence and their effects' snapshot diffs are left out, read back
	// by Result; do not reorder them then.
	Results []probes.Result
	// Shard is "k/n" when the run is one shard of several (--shard); its
	// part may hold no probe at or above the gate, which only the merge of
	// the shards can judge (Outcome). Not written to reports.
	Shard string
	// Baseline is set when a baseline of accepted findings was applied
	// (ApplyBaseline): which one, and its entries that no longer occur.
	Baseline *BaselineUse
	// SetupRequests is how many requests the run sent outside its results
	// before the probes: the target's HEAD and the observers' read-read
	// controls (each result counts its own, probes.Result.Requests; a
	// cleanup its DELETEs, Cleanup.Requests). Not written to reports.
	SetupRequests int
	// Cleanup is what check --cleanup removed of what the run created
	// (cleanup.go); nil without --cleanup.
	Cleanup *Cleanup

	spool *spooled // where the evidence of Results is, when streamed (Spool.Run)
}

// Result returns the i-th result with its evidence, read back from the
// spool when the run was streamed.
func (r *Run) Result(i int) (probes.Result, error) {
	res := r.Results[i]
	if r.spool == nil || i >= len(r.spool.refs) || res.Evidence != nil {
		return res, nil
	}
	rec, err := r.spool.s.read(r.spool.refs[i])
	res.Evidence = rec.Exchanges
	if rec.EffectDiffs != nil && len(rec.EffectDiffs) == len(res.Effects) {
		res.Effects = slices.Clone(res.Effects)
		for k, d := range rec.EffectDiffs {
			res.Effects[k].Diff = d
		}
	}
	return res, err
}

// Close releases what the run holds outside memory: a streamed run's
// spool. It is safe to call on nil and more than once.
func (r *Run) Close() error {
	if r == nil || r.spool == nil {
		return nil
	}
	return r.spool.s.Close()
}

// Counts are the number of results per verdict. A failure a baseline
// accepts is counted as Accepted, not as Fail.
type Counts struct {
	Pass     int `json:"pass"`
	Fail     int `json:"fail"`
	Accepted int `json:"accepted"`
	Error    int `json:"error"`
	Skip     int `json:"skip"`
}

// Total is the number of results counted.
func (c Counts) Total() int { return c.Pass + c.Fail + c.Accepted + c.Error + c.Skip }

func (c *Counts) add(r probes.Result) {
	switch r.Verdict {
	case probes.Pass:
		c.Pass++
	case probes.Fail:
		if r.Accepted {
			c.Accepted++
		} else {
			c.Fail++
		}
	case probes.Skip:
		c.Skip++
	default: // probes.Error, and any verdict the model does not know: nothing is known
		c.Error++
	}
}

func countResults(results []probes.Result) Counts {
	var c Counts
	for _, r := range results {
		c.add(r)
	}
	return c
}

// Counts totals the results by verdict. A verdict other than the four known
// ones is counted as an error: nothing is known about it, and it must not
// pass silently.
func (r *Run) Counts() Counts { return countResults(r.Results) }

// Failed reports whether any result failed with a severity at or above gate.
// Errors and skips never fail the gate; the caller decides what an error
// means. Failures a baseline accepts never fail it either.
func (r *Run) Failed(gate probes.Severity) bool {
	for _, res := range r.Results {
		if gating(res, gate) {
			return true
		}
	}
	return false
}

// gating reports whether res is a failure that fails a gate at gate.
func gating(res probes.Result, gate probes.Severity) bool {
	return res.Verdict == probes.Fail && !res.Accepted && res.Severity >= gate
}

// Group is the results of one operation, in the order they were given.
type Group struct {
	Operation probes.OperationRef
	Results   []probes.Result
	index     []int // of each result in Run.Results
}

// Counts totals the group's results by verdict.
func (g Group) Counts() Counts { return countResults(g.Results) }

// Duration is the sum of the group's result durations.
func (g Group) Duration() time.Duration {
	var d time.Duration
	for _, r := range g.Results {
		d += r.Duration
	}
	return d
}

// Groups groups the results by operation: operations in the order they are
// first seen, results within an operation in the order given.
func (r *Run) Groups() []Group {
	var groups []Group
	index := make(map[probes.OperationRef]int)
	for k, res := range r.Results {
		i, ok := index[res.Operation]
		if !ok {
			i = len(groups)
			index[res.Operation] = i
			groups = append(groups, Group{Operation: res.Operation})
		}
		groups[i].Results = append(groups[i].Results, res)
		groups[i].index = append(groups[i].index, k)
	}
	return groups
}

// displayBaseURL is BaseURL with any user:password part redacted, so a
// credential given in the URL never reaches a report.
func (r *Run) displayBaseURL() string {
	u, err := url.Parse(r.BaseURL)
	if err != nil || u.User == nil {
		return r.BaseURL
	}
	u.User = url.User("REDACTED")
	return u.String()
}

// operationName is "METHOD /path", falling back to the operation ID.
func operationName(op probes.OperationRef) string {
	switch {
	case op.Method != "" || op.Path != "":
		return op.Name()
	case op.ID != "":
		return op.ID
	default:
		return "unknown operation"
	}
}

// operationPosition is "file:line" where op is declared, "file" without a
// line, "" when unknown.
func operationPosition(op probes.OperationRef) string {
	file := sanitizeLine(op.File)
	switch {
	case file == "":
		return ""
	case op.Line > 0:
		return file + ":" + strconv.Itoa(op.Line)
	default:
		return file
	}
}

// operationID is the operation ID, falling back to "METHOD /path".
func operationID(op probes.OperationRef) string {
	if op.ID != "" {
		return op.ID
	}
	return operationName(op)
}
