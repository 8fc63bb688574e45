package report

import (
	"fmt"

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
	// ended in an error, or a probe at or above the gate could not be
	// carried out (a gate that stays green because its checks did not run
	// would be a false pass).
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
	}
	return Outcome{Status: Passed}
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
