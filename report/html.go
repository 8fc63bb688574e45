package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// The HTML report is one self-contained file — inline CSS, no script, no
// external resource — so it can be attached to a CI run or mailed to a
// reviewer and opens the same anywhere. html/template escapes everything the
// server sent; the text is sanitized and capped as in the other formats.

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// WriteHTML writes the review report as a standalone HTML page: the run's
// metadata, a matrix of operations × probes, every failure and error with its
// reason, rule, fix, diffs, side effects and evidence, and the skips.
func WriteHTML(w io.Writer, run *Run) error {
	if err := htmlTemplate.Execute(w, newHTMLView(run)); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// htmlView is the report prepared for the template: every string already
// sanitized, every verdict already decided by the probes.
type htmlView struct {
	Tool, Spec, BaseURL, Started, Duration string
	Gate                                   string
	GateFailed                             bool
	GateNote                               string // why the gate could not pass: the target was not tested
	Counts                                 Counts
	Baseline                               string // the baseline file applied, "" when none
	Fixed                                  []string
	Probes                                 []string
	Rows                                   []htmlRow
	Findings                               []htmlFinding
	Skipped                                []htmlFinding
}

type htmlRow struct {
	Operation string
	Cells     []htmlCell
}

type htmlCell struct {
	Class, Text, Anchor string
}

type htmlFinding struct {
	Anchor, Class, Word, Operation, ID, Name, Severity string
	Location                                           string // "file:line" of the operation
	Reason, Rule, Fix                                  string
	Diffs                                              []string
	Effects                                            []string
	Exchanges                                          []htmlExchange
}

type htmlExchange struct {
	Title, Request, Response string
}

func newHTMLView(run *Run) htmlView {
	v := htmlView{
		Tool:       sanitizeLine(run.Tool),
		Spec:       sanitizeLine(run.Spec),
		BaseURL:    sanitizeLine(run.displayBaseURL()),
		Duration:   formatDuration(run.Duration),
		Gate:       run.Gate.String(),
		GateFailed: run.Outcome().GateFailed(),
		Counts:     run.Counts(),
	}
	if o := run.Outcome(); o.Status == Untestable {
		v.GateNote = sanitizeLine(o.Reason)
	}
	if b := run.Baseline; b != nil {
		v.Baseline = nonEmpty(sanitizeLine(b.File), "(unnamed)")
		for _, e := range b.Fixed {
			v.Fixed = append(v.Fixed, fixedLine(e))
		}
	}
	if !run.Started.IsZero() {
		v.Started = run.Started.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		if !seen[r.Probe] {
			seen[r.Probe] = true
			v.Probes = append(v.Probes, nonEmpty(sanitizeLine(r.Probe), "unnamed probe"))
		}
	}
	n := 0
	for _, g := range run.Groups() {
		row := htmlRow{Operation: operationName(g.Operation)}
		byProbe := map[string]probes.Result{}
		anchors := map[string]string{}
		for _, r := range g.Results {
			byProbe[r.Probe] = r
			if r.Verdict != probes.Pass {
				n++
				f := newHTMLFinding(r, fmt.Sprintf("r%d", n))
				anchors[r.Probe] = f.Anchor
				if r.Verdict == probes.Skip {
					v.Skipped = append(v.Skipped, f)
				} else {
					v.Findings = append(v.Findings, f)
				}
			}
		}
		for _, p := range v.Probes {
			r, ok := byProbe[p]
			if !ok {
				row.Cells = append(row.Cells, htmlCell{Class: "none", Text: "–"})
				continue
			}
			row.Cells = append(row.Cells, htmlCell{Class: resultClass(r), Text: verdictLabel(r), Anchor: anchors[p]})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func newHTMLFinding(r probes.Result, anchor string) htmlFinding {
	f := htmlFinding{
		Anchor:    anchor,
		Class:     resultClass(r),
		Word:      verdictLabel(r),
		Location:  operationPosition(r.Operation),
		Operation: operationName(r.Operation),
		ID:        sanitizeLine(r.Operation.ID),
		Name:      testName(r),
		Reason:    resultReason(r),
		Rule:      sanitizeLine(r.Rule),
		Fix:       sanitizeLine(r.Fix),
	}
	if r.Verdict == probes.Fail {
		f.Severity = r.Severity.String()
	}
	for _, d := range r.Diffs {
		f.Diffs = append(f.Diffs, capBlock(d))
	}
	for _, e := range r.Effects {
		f.Effects = append(f.Effects, formatEffect(e))
	}
	for i, x := range r.Evidence {
		f.Exchanges = append(f.Exchanges, htmlExchange{Title: exchangeTitle(i, x), Request: formatRequest(x.Request), Response: formatResponse(x)})
	}
	return f
}

// resultClass is the CSS class of a result: its verdict's, or "accepted"
// for a failure a baseline accepts.
func resultClass(r probes.Result) string {
	if r.Verdict == probes.Fail && r.Accepted {
		return "accepted"
	}
	return verdictClass(r.Verdict)
}

// verdictClass is the CSS class of a verdict; anything unknown is an error.
func verdictClass(v probes.Verdict) string {
	switch v {
	case probes.Pass, probes.Fail, probes.Skip:
		return string(v)
	default:
		return "error"
	}
}

// verdictLabel is how a verdict reads in the summary tables of the review
// reports: "pass", "skip", "FAIL (critical)", "FAIL (minor, conformance)",
// "accepted (critical)" (a failure a baseline accepts), "ERROR" (anything
// unknown).
func verdictLabel(r probes.Result) string {
	switch {
	case r.Verdict == probes.Fail && r.Accepted:
		return "accepted (" + r.Severity.String() + ")"
	}
	switch r.Verdict {
	case probes.Pass:
		return "pass"
	case probes.Skip:
		return "skip"
	case probes.Fail:
		return "FAIL (" + severityLabel(r) + ")"
	default:
		return "ERROR"
	}
}
