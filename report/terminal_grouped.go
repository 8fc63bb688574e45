package report

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/idemcheck/idemcheck/probes"
)

// The terminal report of a large run fits on a few screens: the findings
// grouped by kind, each with its count, the reason's shape, the operations
// and the first one's diff, then the table of probes × verdicts and the
// total line, which is what the terminal shows last, so what a reader
// sees first.

// Bounds of the grouped terminal report.
const (
	maxTerminalGroups     = 30  // kinds of findings shown; the rest are counted
	maxGroupedDiffLines   = 8   // of the first result's diff, per kind
	maxOperationsLine     = 100 // characters of operation names per kind
	terminalOperationsCap = 8   // operation names listed per kind at most
)

// writeTerminalGrouped writes a large run's findings by kind, then the
// probe table.
func writeTerminalGrouped(ew *errWriter, p palette, run *Run) {
	s := newShown(run)
	groups := s.kinds.groups(run)
	for n, g := range groups {
		if n == maxTerminalGroups {
			rest := 0
			for _, g := range groups[n:] {
				rest += len(g.results)
			}
			ew.printf("%s\n\n", p.faint.Sprintf("… %s of %s more (see the Markdown or HTML report)", plural(rest, "finding"), plural(len(groups)-n, "kind")))
			break
		}
		first := run.Results[g.results[0]]
		word := p.errorC.Sprint("ERROR")
		if g.verdict == probes.Fail {
			word = p.fail.Sprint("FAIL ")
			if g.accepted {
				word = p.faint.Sprint("ACCEPTED")
			}
		}
		line := word + "  " + p.header.Sprint(nonEmpty(g.probe, "unnamed probe"))
		if g.severity != "" {
			line += "  " + p.severity.Sprint(g.severity)
		}
		ew.printf("%s  %s\n", line, plural(g.operations(run), "operation"))
		ew.printf("       %s\n", g.shape)
		ew.printf("       %s\n", p.faint.Sprint(operationList(run, g.results)))
		if first.Verdict == probes.Fail && len(first.Diffs) > 0 {
			ew.printf("       %s\n", p.faint.Sprint("first, "+sanitizeLine(operationName(first.Operation))+":"))
			p.writeDiff(ew, first.Diffs[0], maxGroupedDiffLines)
		}
		ew.printf("\n")
	}
	writeTerminalProbeTable(ew, p, run)
}

// operationList names the operations of results on one line, "… and N
// more" past maxOperationsLine characters.
func operationList(run *Run, results []int) string {
	var names []string
	seen := map[probes.OperationRef]bool{}
	length := 0
	for _, i := range results {
		op := run.Results[i].Operation
		if seen[op] {
			continue
		}
		seen[op] = true
		name := sanitizeLine(operationName(op))
		if len(names) == terminalOperationsCap || len(names) > 0 && length+utf8.RuneCountInString(name) > maxOperationsLine {
			break
		}
		names = append(names, name)
		length += utf8.RuneCountInString(name) + 2
	}
	total := 0
	seen = map[probes.OperationRef]bool{}
	for _, i := range results {
		if op := run.Results[i].Operation; !seen[op] {
			seen[op] = true
			total++
		}
	}
	out := strings.Join(names, ", ")
	if more := total - len(names); more > 0 {
		out += ", … and " + strconv.Itoa(more) + " more"
	}
	return out
}

// writeTerminalProbeTable writes per probe how many results had each
// verdict.
func writeTerminalProbeTable(ew *errWriter, p palette, run *Run) {
	rows := probeCounts(run)
	width := len("probe")
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r.probe))
	}
	accepted := run.Baseline != nil || run.Counts().Accepted > 0
	pad := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
	head := pad("probe") + "  failed"
	if accepted {
		head += "  accepted"
	}
	ew.printf("%s\n", p.header.Sprint(head+"  errors  passed  skipped"))
	for _, r := range rows {
		fail := strconv.Itoa(r.Fail)
		cell := strings.Repeat(" ", 8-len(fail)) + fail
		if r.Fail > 0 {
			cell = strings.Repeat(" ", 8-len(fail)) + p.fail.Sprint(fail)
		}
		line := pad(r.probe) + cell
		if accepted {
			line += padInt(r.Accepted, 10)
		}
		errs := strconv.Itoa(r.Error)
		errCell := strings.Repeat(" ", 8-len(errs)) + errs
		if r.Error > 0 {
			errCell = strings.Repeat(" ", 8-len(errs)) + p.errorC.Sprint(errs)
		}
		ew.printf("%s%s%s%s\n", line, errCell, padInt(r.Pass, 8), padInt(r.Skip, 9))
	}
	ew.printf("\n")
}

// padInt is n right-aligned in width characters.
func padInt(n, width int) string {
	s := strconv.Itoa(n)
	return strings.Repeat(" ", max(0, width-len(s))) + s
}
