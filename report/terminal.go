package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"

	"github.com/idemcheck/idemcheck/probes"
)

// maxTerminalDiffLines caps the diff shown under a failure in the terminal;
// the full diff is in the JUnit, JSON and Markdown reports.
const maxTerminalDiffLines = 20

// palette holds the terminal colours, enabled or disabled as a whole so that
// the output never depends on the global color.NoColor.
type palette struct {
	pass, fail, errorC, skip, header, faint, severity, del, ins *color.Color
}

func newPalette(useColor bool) palette {
	p := palette{
		pass:     color.New(color.FgGreen),
		fail:     color.New(color.FgRed, color.Bold),
		errorC:   color.New(color.FgYellow),
		skip:     color.New(color.Faint),
		header:   color.New(color.Bold),
		faint:    color.New(color.Faint),
		severity: color.New(color.FgMagenta),
		del:      color.New(color.FgRed),
		ins:      color.New(color.FgGreen),
	}
	for _, c := range []*color.Color{p.pass, p.fail, p.errorC, p.skip, p.header, p.faint, p.severity, p.del, p.ins} {
		if useColor {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// verdictWord is the fixed-width word and colour for a verdict.
func (p palette) verdictWord(v probes.Verdict) string {
	switch v {
	case probes.Pass:
		return p.pass.Sprint("PASS ")
	case probes.Fail:
		return p.fail.Sprint("FAIL ")
	case probes.Skip:
		return p.skip.Sprint("SKIP ")
	default:
		return p.errorC.Sprint("ERROR")
	}
}

// WriteTerminal writes a compact summary for a person at a terminal: per
// operation a header line and one line per probe (skips that share a reason
// on one line), the first diff under each failure, and a total line with the
// gate. Colour is used only if useColor (see ColorWanted). Server-supplied
// text is sanitized, so a response cannot send escape sequences to the
// terminal.
func WriteTerminal(w io.Writer, run *Run, useColor bool) error {
	return writeTerminal(w, run, useColor, false)
}

// WriteTerminalFindings is WriteTerminal for failures and errors only, with
// the same total line: for runs whose passes are not news (the demo).
func WriteTerminalFindings(w io.Writer, run *Run, useColor bool) error {
	return writeTerminal(w, run, useColor, true)
}

func writeTerminal(w io.Writer, run *Run, useColor, findingsOnly bool) error {
	p := newPalette(useColor)
	ew := &errWriter{w: w}
	if large(run) {
		writeTerminalGrouped(ew, p, run)
	} else {
		writeTerminalList(ew, p, run, findingsOnly)
	}
	writeTerminalTotal(ew, p, run)
	if ew.err != nil {
		return fmt.Errorf("write terminal report: %w", ew.err)
	}
	return nil
}

// writeTerminalList writes a small run: per operation a header line and a
// line per probe (findings only with findingsOnly).
func writeTerminalList(ew *errWriter, p palette, run *Run, findingsOnly bool) {
	width := 0
	for _, r := range run.Results {
		width = max(width, utf8.RuneCountInString(sanitizeLine(r.Probe)))
	}
	for _, g := range run.Groups() {
		shown := g.Results
		if findingsOnly {
			shown = nil
			for _, r := range g.Results {
				if r.Verdict != probes.Pass && r.Verdict != probes.Skip {
					shown = append(shown, r)
				}
			}
			if len(shown) == 0 {
				continue
			}
		}
		header := p.header.Sprint(sanitizeLine(operationName(g.Operation)))
		if id := sanitizeLine(g.Operation.ID); id != "" && id != sanitizeLine(operationName(g.Operation)) {
			header += "  " + p.faint.Sprint(id)
		}
		if pos := operationPosition(g.Operation); pos != "" {
			header += "  " + p.faint.Sprint(pos)
		}
		ew.printf("%s\n", header)
		skips := groupSkips(shown)
		for _, r := range shown {
			probe := sanitizeLine(r.Probe)
			if r.Verdict == probes.Skip {
				same := skips[resultReason(r)]
				if same[0] != probe {
					continue // written with the first probe that has this reason
				}
				if len(same) > 1 {
					probe = strings.Join(same, ", ")
				}
			}
			pad := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(probe)))
			line := "  " + p.verdictWord(r.Verdict) + "  " + probe + pad + "  "
			if r.Verdict == probes.Fail {
				line += p.severity.Sprint(severityLabel(r)) + "  "
				if r.Accepted {
					line += p.faint.Sprint("accepted") + "  "
				}
			}
			ew.printf("%s%s\n", line, resultReason(r))
			if r.Verdict == probes.Fail && len(r.Diffs) > 0 {
				p.writeDiff(ew, r.Diffs[0], maxTerminalDiffLines)
			}
		}
	}
	if len(run.Results) > 0 {
		ew.printf("\n")
	}
}

// writeTerminalTotal writes the total line with the gate, and the baseline
// entries now fixed.
func writeTerminalTotal(ew *errWriter, p palette, run *Run) {
	total := countsLine(run)
	gate := "--fail-on " + run.Gate.String() + ": "
	switch o := run.Outcome(); o.Status {
	case Passed:
		gate += p.pass.Sprint("passed")
	case Findings:
		gate += p.fail.Sprint("FAILED")
	default:
		gate += p.fail.Sprint("NOT TESTED") + " (" + sanitizeLine(o.Reason) + ")"
	}
	ew.printf("%s; %s\n", total, gate)
	if b := run.Baseline; b != nil && len(b.Fixed) > 0 {
		ew.printf("Fixed since the baseline %s (delete from it):\n", sanitizeLine(b.File))
		for _, e := range b.Fixed {
			ew.printf("  %s\n", fixedLine(e))
		}
	}
}

// writeDiff writes a diff indented under its result, "-" lines red and "+"
// lines green, capped at maxLines.
func (p palette) writeDiff(ew *errWriter, diff string, maxLines int) {
	lines := strings.Split(strings.TrimRight(sanitizeText(diff), "\n"), "\n")
	more := 0
	if len(lines) > maxLines {
		more = len(lines) - maxLines
		lines = lines[:maxLines]
	}
	const indent = "         "
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "-"):
			l = p.del.Sprint(l)
		case strings.HasPrefix(l, "+"):
			l = p.ins.Sprint(l)
		}
		ew.printf("%s%s\n", indent, l)
	}
	if more > 0 {
		ew.printf("%s%s\n", indent, p.faint.Sprintf("... %s more (see the JUnit, JSON or Markdown report)", plural(more, "line")))
	}
}

// groupSkips maps each skip reason to the probes skipped for it, in order,
// so one operation's many "no key" skips take one line.
func groupSkips(results []probes.Result) map[string][]string {
	out := map[string][]string{}
	for _, r := range results {
		if r.Verdict == probes.Skip {
			reason := resultReason(r)
			out[reason] = append(out[reason], sanitizeLine(r.Probe))
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ColorWanted reports whether output to w should be coloured: not if
// noColorFlag is set, NO_COLOR is non-empty, TERM is "dumb", or w is not a
// terminal. Decide once, and pass the answer to WriteTerminal.
func ColorWanted(w io.Writer, noColorFlag bool) bool {
	if noColorFlag || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// errWriter remembers the first write error, so a sequence of writes needs
// one check at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, args ...any) {
	if ew.err != nil {
		return
	}
	_, ew.err = fmt.Fprintf(ew.w, format, args...)
}
