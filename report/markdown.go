package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// WriteMarkdown writes a review report for people: run metadata, a summary
// table (operation × probe → verdict), then for each failure and error a
// section with the reason, rule, fix, diffs, effects and the evidence
// exchanges, and finally why probes were skipped. A run with more than a
// screenful of findings or operations (large) starts instead with a table
// of probes × verdicts and its findings grouped by kind (group.go), each
// group with a count and links to its results' sections; the operation ×
// probe table comes after the findings, and skips are grouped too.
// Evidence is bounded (bound.go) and text capped as in the JUnit report.
func WriteMarkdown(w io.Writer, run *Run) error { return writeMarkdown(w, run, 0) }

// writeMarkdown is WriteMarkdown within budget bytes when budget > 0 (the
// step summary): the findings' sections that would pass it are left out,
// with a note, and the groups link only to those written.
func writeMarkdown(w io.Writer, run *Run, budget int) error {
	s := newShownForPeople(run)
	var err error
	if large(run) {
		err = writeMarkdownGrouped(w, s, budget)
	} else {
		err = writeMarkdownList(&errWriter{w: w}, s)
	}
	if err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// writeMarkdownList is the report of a small run: every finding in full.
func writeMarkdownList(ew *errWriter, s *shown) error {
	run := s.run
	ew.printf("# idemcheck report\n\n")
	writeMarkdownMeta(ew, run)
	writeMarkdownSummary(ew, run, run.Groups())
	ew.printf("## Findings\n\n")
	if findingCount(run) == 0 {
		ew.printf("No failures or errors.\n\n")
	}
	for i, r := range run.Results {
		if r.Verdict == probes.Pass || r.Verdict == probes.Skip {
			continue
		}
		full, err := s.result(i)
		if err != nil {
			return err
		}
		writeMarkdownFinding(ew, full, true)
	}
	writeMarkdownFixed(ew, run)
	var skipped []probes.Result
	for _, r := range run.Results {
		if r.Verdict == probes.Skip {
			skipped = append(skipped, r)
		}
	}
	if len(skipped) > 0 {
		ew.printf("## Skipped\n\n")
		for _, r := range skipped {
			ew.printf("- %s · %s: %s\n", mdCode(operationName(r.Operation)), mdText(testName(r)), mdText(resultReason(r)))
		}
		ew.printf("\n")
	}
	return ew.err
}

func writeMarkdownFixed(ew *errWriter, run *Run) {
	if b := run.Baseline; b != nil && len(b.Fixed) > 0 {
		ew.printf("## Fixed\n\nFindings in the baseline that no longer occur: remove them from it.\n\n")
		for _, e := range b.Fixed {
			ew.printf("- %s\n", mdText(fixedLine(e)))
		}
		ew.printf("\n")
	}
}

func writeMarkdownMeta(ew *errWriter, run *Run) {
	item := func(name, value string) {
		if value != "" {
			ew.printf("- **%s:** %s\n", name, value)
		}
	}
	item("Tool", mdText(run.Tool))
	if run.Spec != "" {
		item("Spec", mdCode(run.Spec))
	}
	if run.BaseURL != "" {
		item("Base URL", mdCode(run.displayBaseURL()))
	}
	if !run.Started.IsZero() {
		item("Started", run.Started.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	item("Duration", formatDuration(run.Duration))
	gate := "passed"
	switch o := run.Outcome(); o.Status {
	case Findings:
		gate = "**failed**"
	case Untestable:
		gate = "**not tested**: " + mdText(sanitizeLine(o.Reason))
	}
	item("Gate", mdCode("--fail-on "+run.Gate.String())+": "+gate)
	if b := run.Baseline; b != nil {
		item("Baseline", mdCode(nonEmpty(b.File, "(unnamed)"))+": accepted findings do not fail the gate")
	}
	ew.printf("\n")
}

func writeMarkdownSummary(ew *errWriter, run *Run, groups []Group) {
	ew.printf("## Summary\n\n%s.\n\n", countsLine(run))
	writeMarkdownMatrix(ew, run, groups, func(int) string { return "" })
}

// writeMarkdownMatrix writes the table of operations × probes → verdicts;
// a cell links to its result's section where link names one.
func writeMarkdownMatrix(ew *errWriter, run *Run, groups []Group, link func(i int) string) {
	if len(groups) == 0 {
		return
	}
	// Columns: probes in the order first seen.
	var cols []string
	seen := make(map[string]bool)
	for _, r := range run.Results {
		if !seen[r.Probe] {
			seen[r.Probe] = true
			cols = append(cols, r.Probe)
		}
	}
	ew.printf("| Operation |")
	for _, p := range cols {
		ew.printf(" %s |", mdCell(mdText(nonEmpty(sanitizeLine(p), "unnamed probe"))))
	}
	ew.printf("\n| --- |%s\n", strings.Repeat(" --- |", len(cols)))
	for _, g := range groups {
		cells := make(map[string][]string)
		for k, r := range g.Results {
			cell := mdVerdict(r)
			if a := link(g.index[k]); a != "" {
				cell = "[" + cell + "](#" + a + ")"
			}
			cells[r.Probe] = append(cells[r.Probe], cell)
		}
		ew.printf("| %s |", mdCell(mdCode(operationName(g.Operation))))
		for _, p := range cols {
			cell := "–"
			if v := cells[p]; len(v) > 0 {
				cell = strings.Join(v, ", ")
			}
			ew.printf(" %s |", cell)
		}
		ew.printf("\n")
	}
	ew.printf("\n")
}

// mdVerdict is a summary table cell: findings in bold.
func mdVerdict(r probes.Result) string {
	if r.Verdict == probes.Pass || r.Verdict == probes.Skip {
		return verdictLabel(r)
	}
	return "**" + verdictLabel(r) + "**"
}

// writeMarkdownFinding writes the section of one failure or error; the
// rule and fix only with ruleAndFix (a group shows them once for all).
func writeMarkdownFinding(ew *errWriter, r probes.Result, ruleAndFix bool) {
	word := "ERROR"
	switch {
	case r.Verdict == probes.Fail && r.Accepted:
		word = "ACCEPTED"
	case r.Verdict == probes.Fail:
		word = "FAIL"
	}
	ew.printf("### %s %s · %s\n\n", word, mdCode(operationName(r.Operation)), mdText(testName(r)))
	if r.Operation.ID != "" {
		ew.printf("- **Operation:** %s\n", mdCode(r.Operation.ID))
	}
	if pos := operationPosition(r.Operation); pos != "" {
		ew.printf("- **Location:** %s\n", mdCode(pos))
	}
	if r.Verdict == probes.Fail {
		ew.printf("- **Severity:** %s\n", severityLabel(r))
	}
	if r.Accepted {
		ew.printf("- **Accepted:** in the baseline; it does not fail the gate\n")
	}
	ew.printf("- **Reason:** %s\n", mdText(resultReason(r)))
	if r.Rule != "" && ruleAndFix {
		ew.printf("- **Rule:** %s\n", mdText(sanitizeLine(r.Rule)))
	}
	if r.Fix != "" && ruleAndFix {
		ew.printf("- **Fix:** %s\n", mdText(sanitizeLine(r.Fix)))
	}
	ew.printf("\n")
	for _, d := range r.Diffs {
		ew.printf("%s", mdFence("diff", capBlock(d)))
	}
	if len(r.Effects) > 0 {
		ew.printf("| Observer | Step | Before | After | Delta |\n| --- | --- | ---: | ---: | ---: |\n")
		for _, e := range r.Effects {
			ew.printf("| %s | %s | %d | %d | %+d |\n", mdCell(mdText(sanitizeLine(e.Observer))), mdCell(mdText(sanitizeLine(e.Step)+formatItems(e))), e.Before, e.After, e.Delta())
		}
		ew.printf("\n")
		for _, e := range r.Effects {
			if r.Verdict == probes.Fail && e.Diff != "" {
				ew.printf("%s", mdFence("diff", "snapshots of "+sanitizeLine(e.Step)+" (-before +after):\n"+capBlock(e.Diff)))
			}
		}
	}
	for i, x := range r.Evidence {
		ew.printf("**%s**\n\n", mdText(exchangeTitle(i, x)))
		ew.printf("%s", mdFence("http", exchangeRequest(r.Evidence, i)))
		ew.printf("%s", mdFence("http", formatResponse(x)))
	}
	if note := omittedNote(r); note != "" {
		ew.printf("_%s_\n\n", mdText(note))
	}
}

// mdFence puts text in a fenced code block whose fence is longer than any
// backtick run inside.
func mdFence(lang, text string) string {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fence + lang + "\n" + strings.TrimRight(text, "\n") + "\n" + fence + "\n\n"
}

// mdCode is an inline code span of one sanitized line.
func mdCode(s string) string {
	s = sanitizeLine(s)
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return delim + s + delim
}

// mdText escapes one sanitized line so Markdown shows it literally.
func mdText(s string) string {
	return mdEscaper.Replace(sanitizeLine(s))
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `~`, `\~`, `#`, `\#`, `&`, `\&`,
)

// mdCell makes inline Markdown safe in a table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
