package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// JSONSchemaVersion is the version of the JSON report's shape. It changes
// only when a field is removed or changes meaning; new fields may appear.
const JSONSchemaVersion = 1

// The JSON report. It mirrors probes.Result, with durations in milliseconds
// and each effect's delta spelled out.
type (
	jsonRun struct {
		SchemaVersion int          `json:"schema_version"`
		Tool          string       `json:"tool"`
		Spec          string       `json:"spec"`
		BaseURL       string       `json:"base_url"`
		Started       string       `json:"started,omitempty"`
		DurationMS    float64      `json:"duration_ms"`
		FailOn        string       `json:"fail_on"`
		GateFailed    bool         `json:"gate_failed"`
		Outcome       Status       `json:"outcome"`
		OutcomeReason string       `json:"outcome_reason,omitempty"`
		Summary       Counts       `json:"summary"`
		Evidence      string       `json:"evidence,omitempty"` // bounded or full
		Baseline      *BaselineUse `json:"baseline,omitempty"`
		Cleanup       *Cleanup     `json:"cleanup,omitempty"` // cleanup.go: check --cleanup
		Results       []jsonResult `json:"results,omitempty"` // written one by one (WriteJSON); read by ReadJSON
	}
	jsonResult struct {
		Operation  probes.OperationRef `json:"operation"`
		Probe      string              `json:"probe"`
		Title      string              `json:"title"`
		Verdict    probes.Verdict      `json:"verdict"`
		Severity   probes.Severity     `json:"severity"`
		Class      probes.Class        `json:"class,omitempty"`
		Reason     string              `json:"reason"`
		Rule       string              `json:"rule,omitempty"`
		Fix        string              `json:"fix,omitempty"`
		Evidence   []jsonExchange      `json:"evidence,omitempty"`
		Diffs      []string            `json:"diffs,omitempty"`
		Effects    []jsonEffect        `json:"effects,omitempty"`
		DurationMS float64             `json:"duration_ms"`
		Accepted   bool                `json:"accepted,omitempty"`
		// EvidenceOmitted counts the exchanges left out (bound.go).
		EvidenceOmitted int `json:"evidence_omitted,omitempty"`
	}
	jsonExchange struct {
		Label     string               `json:"label"`
		Request   probes.RequestRecord `json:"request"`
		Response  *probes.Response     `json:"response,omitempty"`
		Err       string               `json:"error,omitempty"`
		ElapsedMS float64              `json:"elapsed_ms"`
	}
	jsonEffect struct {
		probes.Effect
		Delta int `json:"delta"`
	}
)

// WriteJSON writes the run as one indented JSON document:
// {"schema_version": 1, "tool", "spec", "base_url", "started", "duration_ms",
// "fail_on", "gate_failed", "outcome" (passed, findings, untestable),
// "outcome_reason", "summary": {pass, fail, accepted, error, skip},
// "evidence" ("bounded", or "full" with JSONOptions.FullEvidence),
// "baseline" (when one was applied: its file and the entries now fixed),
// "results"}. Operations carry "file" and "line" when known; a failure a
// baseline accepts has "accepted": true and counts as accepted, not fail.
// Evidence is bounded as in every report (bound.go): cut bodies say how
// many bytes they lost in "body_cut", results how many exchanges in
// "evidence_omitted". Invalid UTF-8 becomes U+FFFD and control characters
// are escaped, as encoding/json does. Results are written one at a time,
// read back from the run's spool when it has one.
func WriteJSON(w io.Writer, run *Run) error { return JSONOptions{}.Write(w, run) }

// JSONOptions adjust the JSON report.
type JSONOptions struct {
	// FullEvidence keeps every exchange of every result, whole
	// (--evidence full), as the probes recorded it.
	FullEvidence bool
}

// Write writes the run as JSON; see WriteJSON.
func (o JSONOptions) Write(w io.Writer, run *Run) error {
	if err := o.write(w, run); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func (o JSONOptions) write(w io.Writer, run *Run) error {
	outcome := run.Outcome()
	doc := jsonRun{
		SchemaVersion: JSONSchemaVersion,
		Tool:          run.Tool,
		Spec:          run.Spec,
		BaseURL:       run.displayBaseURL(),
		DurationMS:    milliseconds(run.Duration),
		FailOn:        run.Gate.String(),
		GateFailed:    outcome.GateFailed(),
		Outcome:       outcome.Status,
		OutcomeReason: outcome.Reason,
		Summary:       run.Counts(),
		Evidence:      "bounded",
		Baseline:      run.Baseline,
		Cleanup:       run.Cleanup,
	}
	if o.FullEvidence {
		doc.Evidence = "full"
	}
	if !run.Started.IsZero() {
		doc.Started = run.Started.UTC().Format(time.RFC3339Nano)
	}
	// The header, then the results one by one, as one indented document.
	head, err := marshalIndent(doc, "")
	if err != nil {
		return err
	}
	head = bytes.TrimSuffix(bytes.TrimRight(head, "\n"), []byte("}"))
	if _, err := w.Write(append(bytes.TrimRight(head, "\n"), ",\n  \"results\": ["...)); err != nil {
		return err
	}
	s := newShown(run)
	s.full = o.FullEvidence
	for i := range run.Results {
		r, err := s.result(i)
		if err != nil {
			return err
		}
		b, err := marshalIndent(jsonResultOf(r), "    ")
		if err != nil {
			return err
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		if _, err := w.Write(append([]byte(sep), bytes.TrimRight(b, "\n")...)); err != nil {
			return err
		}
	}
	tail := "]\n}\n"
	if len(run.Results) > 0 {
		tail = "\n  ]\n}\n"
	}
	_, err = io.WriteString(w, tail)
	return err
}

// marshalIndent is v as JSON indented by two spaces after prefix, HTML
// characters left alone.
func marshalIndent(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func jsonResultOf(r probes.Result) jsonResult {
	jr := jsonResult{
		Operation:  r.Operation,
		Probe:      r.Probe,
		Title:      r.Title,
		Verdict:    r.Verdict,
		Severity:   r.Severity,
		Class:      r.Class,
		Reason:     r.Reason,
		Rule:       r.Rule,
		Fix:        r.Fix,
		Diffs:      r.Diffs,
		DurationMS: milliseconds(r.Duration),
		Accepted:   r.Accepted,

		EvidenceOmitted: r.EvidenceOmitted,
	}
	for _, x := range r.Evidence {
		jr.Evidence = append(jr.Evidence, jsonExchange{
			Label:     x.Label,
			Request:   x.Request,
			Response:  x.Response,
			Err:       x.Err,
			ElapsedMS: milliseconds(x.Elapsed),
		})
	}
	for _, e := range r.Effects {
		jr.Effects = append(jr.Effects, jsonEffect{Effect: e, Delta: e.Delta()})
	}
	return jr
}

// milliseconds is d in milliseconds, to the microsecond.
func milliseconds(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
