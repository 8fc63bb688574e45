package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
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
// reason, rule, fix, diffs, side effects and evidence, and the skips. A run
// with more than a screenful of findings or operations (large) starts with
// a table of probes × verdicts and its findings grouped by kind, each group
// linking to its results, and ends with the matrix. Findings are written
// one at a time, their evidence read back from the run's spool and
// bounded (bound.go), so the page is small enough to open at once.
func WriteHTML(w io.Writer, run *Run) error {
	if err := writeHTML(w, run); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

func writeHTML(w io.Writer, run *Run) error {
	s := newShownForPeople(run)
	v := newHTMLView(s)
	if err := htmlTemplate.ExecuteTemplate(w, "head", v); err != nil {
		return err
	}
	for _, f := range v.order {
		r, err := s.result(f.index)
		if err != nil {
			return err
		}
		hf := newHTMLFinding(r, f.anchor)
		if v.Large { // the group shows the title, rule and fix once
			hf.Compact, hf.Probe, hf.Rule, hf.Fix = true, nonEmpty(sanitizeLine(r.Probe), "unnamed probe"), "", ""
		}
		if err := htmlTemplate.ExecuteTemplate(w, "finding", hf); err != nil {
			return err
		}
	}
	return htmlTemplate.ExecuteTemplate(w, "tail", v)
}

// htmlView is the report prepared for the template: every string already
// sanitized, every verdict already decided by the probes. The findings
// themselves are not in it: they are written one by one (order).
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
	HasFindings                            bool
	Skipped                                []htmlFinding

	// Large runs: the probe table, the findings by kind, the skips by kind.
	Large      bool
	ProbeRows  []htmlProbeRow
	Groups     []htmlGroup
	SkipGroups []htmlSkipGroup

	order []htmlRef // the findings, in the order written
}

// htmlRef is a finding to write: its result and anchor.
type htmlRef struct {
	index  int
	anchor string
}

type htmlProbeRow struct {
	Probe string
	Counts
}

type htmlGroup struct {
	Class, Word, Title, Shape, Rule, Fix string
	Operations                           []htmlOpLink
}

type htmlOpLink struct{ Name, Anchor string }

type htmlSkipGroup struct{ Probe, Count, Shape string }

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
	Diffs                                              []template.HTML // preText
	Effects                                            []string
	Exchanges                                          []htmlExchange
	Omitted                                            string // how many exchanges are not shown, and where they are
	// Compact is a large run's section: its group names the probe's
	// title, rule and fix; the section the probe, operation and reason.
	Compact bool
	Probe   string
}

type htmlExchange struct {
	Title             string
	Request, Response template.HTML // preText
}

// preEscaper escapes text for the content of a <pre>: only what could
// open markup or an entity. html/template would also escape every quote
// and plus sign, which makes JSON bodies a third larger.
var preEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// preText is sanitized text made safe as the content of an element.
func preText(s string) template.HTML { return template.HTML(preEscaper.Replace(s)) }

func newHTMLView(s *shown) *htmlView {
	run := s.run
	v := &htmlView{
		Tool:        sanitizeLine(run.Tool),
		Spec:        sanitizeLine(run.Spec),
		BaseURL:     sanitizeLine(run.displayBaseURL()),
		Duration:    formatDuration(run.Duration),
		Gate:        run.Gate.String(),
		GateFailed:  run.Outcome().GateFailed(),
		Counts:      run.Counts(),
		HasFindings: findingCount(run) > 0,
		Large:       large(run),
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
	anchors := make([]string, len(run.Results))
	if v.Large {
		v.groupFindings(s, anchors)
	}
	n := 0
	for _, g := range run.Groups() {
		row := htmlRow{Operation: operationName(g.Operation)}
		byProbe := map[string]probes.Result{}
		cellAnchor := map[string]string{}
		for k, r := range g.Results {
			i := g.index[k]
			byProbe[r.Probe] = r
			if r.Verdict == probes.Pass {
				continue
			}
			if !v.Large {
				n++
				anchors[i] = fmt.Sprintf("r%d", n)
				if r.Verdict == probes.Skip {
					v.Skipped = append(v.Skipped, newHTMLFinding(r, anchors[i]))
				} else {
					v.order = append(v.order, htmlRef{i, anchors[i]})
				}
			}
			cellAnchor[r.Probe] = anchors[i]
		}
		for _, p := range v.Probes {
			r, ok := byProbe[p]
			if !ok {
				row.Cells = append(row.Cells, htmlCell{Class: "none", Text: "–"})
				continue
			}
			row.Cells = append(row.Cells, htmlCell{Class: resultClass(r), Text: verdictLabel(r), Anchor: cellAnchor[p]})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// groupFindings fills a large run's probe table, groups and skip groups,
// and orders its findings by kind, anchored as in the Markdown report.
func (v *htmlView) groupFindings(s *shown, anchors []string) {
	run := s.run
	for _, row := range probeCounts(run) {
		v.ProbeRows = append(v.ProbeRows, htmlProbeRow{Probe: row.probe, Counts: row.Counts})
	}
	for _, g := range s.kinds.groups(run) {
		first := run.Results[g.results[0]]
		class := "error"
		if g.verdict == probes.Fail {
			class = resultClass(first)
		}
		hg := htmlGroup{Class: class, Word: groupWord(g), Title: groupTitle(run, g), Shape: g.shape, Rule: sanitizeLine(first.Rule), Fix: sanitizeLine(first.Fix)}
		for _, i := range g.results {
			anchors[i] = anchor(i)
			v.order = append(v.order, htmlRef{i, anchors[i]})
			hg.Operations = append(hg.Operations, htmlOpLink{Name: operationName(run.Results[i].Operation), Anchor: anchors[i]})
		}
		v.Groups = append(v.Groups, hg)
	}
	for _, k := range s.kinds.all {
		if k.verdict == probes.Skip {
			v.SkipGroups = append(v.SkipGroups, htmlSkipGroup{Probe: nonEmpty(k.probe, "unnamed probe"), Count: plural(k.operations(run), "operation"), Shape: k.shape})
		}
	}
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
		f.Diffs = append(f.Diffs, preText(capBlock(d)))
	}
	for _, e := range r.Effects {
		f.Effects = append(f.Effects, formatEffect(e))
	}
	for i, x := range r.Evidence {
		f.Exchanges = append(f.Exchanges, htmlExchange{Title: exchangeTitle(i, x), Request: preText(exchangeRequest(r.Evidence, i)), Response: preText(formatResponse(x))})
	}
	f.Omitted = omittedNote(r)
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
