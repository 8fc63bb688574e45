package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// Status is how a run ends against its gate.
type Status string

// The statuses, from best to worst.
const (
	// Passed: nothing failed at or above the gate, and the probes at or
	// above it were carried out.
	Passed Status = "passed"
	// Findings: a probe failed at or above the gate.
	Findings Status = "findings"
	// Untestable: the target could not be tested — every probe that ran
	// ended in an error, a probe at or above the gate could not be carried
	// out, or none at or above it could run on any operation (a gate that
	// stays green because its checks did not run would be a false pass).
	Untestable Status = "untestable"
)

// Outcome is the verdict on a whole run. The exit code, the JSON's
// gate_failed and every report's gate line come from it, so they never
// disagree.
type Outcome struct {
	Status Status
	// Reason says why the run is not Passed, in one line; "" when it is.
	Reason string
}

// GateFailed reports whether the run fails its gate.
func (o Outcome) GateFailed() bool { return o.Status != Passed }

// Outcome judges the run against its gate (Run.Gate).
func (r *Run) Outcome() Outcome {
	gate := r.Gate
	failed := 0
	for _, res := range r.Results {
		if gating(res, gate) { // a failure a baseline accepts does not fail the gate
			failed++
		}
	}
	if failed > 0 {
		return Outcome{Findings, fmt.Sprintf("%d finding(s) at or above --fail-on %s", failed, gate)}
	}
	if r.Stopped != "" {
		return Outcome{Untestable, "the run stopped before it finished (" + r.Stopped + "); the probes not run are errors"}
	}
	ran, errored, gated := 0, 0, 0
	for _, res := range r.Results {
		if res.Verdict == probes.Skip {
			continue
		}
		ran++
		if res.Verdict != probes.Pass && res.Verdict != probes.Fail { // an error, or a verdict nothing knows
			errored++
			if res.Severity >= gate {
				gated++
			}
		}
	}
	switch {
	case ran > 0 && errored == ran:
		return Outcome{Untestable, fmt.Sprintf("the target could not be tested: all %d probes that ran ended in an error (first: %s)", ran, r.firstError(probes.Info))}
	case gated > 0:
		return Outcome{Untestable, fmt.Sprintf("%d probe(s) at or above --fail-on %s could not be carried out, so the gate cannot pass (first: %s); fix what the error says, or leave them out (--operations, --probes)", gated, gate, r.firstError(gate))}
	case !r.gateRan() && r.Shard == "":
		// A gate that stays green because nothing it guards was tried is a
		// false pass. A shard's part may hold nothing gate-level; the merge
		// of the shards judges the whole.
		return Outcome{Untestable, r.nothingRan()}
	}
	return Outcome{Status: Passed}
}

// gateRan reports whether a probe at or above the gate reached a verdict
// (pass or fail) on some operation.
func (r *Run) gateRan() bool {
	for _, res := range r.Results {
		if (res.Verdict == probes.Pass || res.Verdict == probes.Fail) && declaredSeverity(res) >= r.Gate {
			return true
		}
	}
	return false
}

// declaredSeverity is the severity of res's probe: a conformance finding is
// capped at minor (probes.nonconformant), but its probe ran at its own.
func declaredSeverity(res probes.Result) probes.Severity {
	if p, ok := catalogSeverity[res.Probe]; ok && p > res.Severity {
		return p
	}
	return res.Severity
}

// catalogSeverity is every probe's declared severity, by id.
var catalogSeverity = func() map[string]probes.Severity {
	m := map[string]probes.Severity{}
	for _, p := range probes.All() {
		meta := p.Meta(nil)
		m[meta.ID] = meta.Severity
	}
	return m
}()

// maxSkipReasons bounds the skip reasons quoted in nothingRan.
const maxSkipReasons = 3

// nothingRan says why no probe at or above the gate ran: how many
// operations, what ran below the gate, and the commonest reasons the
// gate-level probes were skipped.
func (r *Run) nothingRan() string {
	ops := map[probes.OperationRef]bool{}
	below := map[string]int{}
	var belowOrder []string
	count := map[string]int{}
	var order []string
	for _, res := range r.Results {
		ops[res.Operation] = true
		switch {
		case res.Verdict != probes.Skip:
			if below[res.Probe] == 0 {
				belowOrder = append(belowOrder, res.Probe)
			}
			below[res.Probe]++
		case declaredSeverity(res) >= r.Gate:
			if count[res.Reason] == 0 {
				order = append(order, res.Reason)
			}
			count[res.Reason]++
		}
	}
	msg := fmt.Sprintf("no probe at or above --fail-on %s could run: %s", r.Gate, plural(len(ops), "operation"))
	if len(r.Results) == 0 {
		return msg + ", no results"
	}
	if len(below) == 0 {
		msg += ", all skipped"
	} else {
		parts := make([]string, 0, len(belowOrder))
		for _, id := range belowOrder {
			parts = append(parts, fmt.Sprintf("%s ×%d", id, below[id]))
		}
		msg += ", only probes below the gate ran (" + strings.Join(parts, ", ") + "), the others skipped"
	}
	sort.SliceStable(order, func(i, j int) bool { return count[order[i]] > count[order[j]] })
	if len(order) > maxSkipReasons {
		order = order[:maxSkipReasons]
	}
	reasons := make([]string, 0, len(order))
	for _, reason := range order {
		reasons = append(reasons, fmt.Sprintf("%s (×%d)", reason, count[reason]))
	}
	if len(reasons) > 0 {
		msg += ": " + strings.Join(reasons, "; ")
	}
	return msg
}

// firstError describes the first errored result at or above severity.
func (r *Run) firstError(severity probes.Severity) string {
	for _, res := range r.Results {
		if res.Verdict != probes.Pass && res.Verdict != probes.Fail && res.Verdict != probes.Skip && res.Severity >= severity {
			return operationName(res.Operation) + " " + res.Probe + ": " + res.Reason
		}
	}
	return ""
}
