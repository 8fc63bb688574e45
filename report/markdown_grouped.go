package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// The Markdown report of a large run: what a reader sees first is how many
// results each probe had of each verdict, then the findings grouped by kind
// with links to every result's section.

// writeMarkdownGrouped writes the report of a large run, within budget
// bytes when budget > 0.
func writeMarkdownGrouped(w io.Writer, s *shown, budget int) error {
	groups := s.kinds.groups(s.run)
	include := func(int) bool { return true }
	tail := true
	if budget > 0 {
		in, fits, err := markdownWithin(s, groups, budget)
		if err != nil {
			return err
		}
		include, tail = func(i int) bool { return in[i] }, fits
	}
	ew := &errWriter{w: w}
	if err := writeMarkdownGroupedTo(ew, s, groups, include, tail); err != nil {
		return err
	}
	return ew.err
}

// writeMarkdownGroupedTo writes the sections: the findings' sections that
// include admits, and the tables after them only with tail.
func writeMarkdownGroupedTo(ew *errWriter, s *shown, groups []*kind, include func(int) bool, tail bool) error {
	run := s.run
	ew.printf("# idemcheck report\n\n")
	writeMarkdownMeta(ew, run)
	writeMarkdownProbeTable(ew, s)
	writeMarkdownGroups(ew, s, groups, include)
	left := 0
	ew.printf("## Findings\n\n")
	for _, g := range groups {
		for _, i := range g.results {
			if !include(i) {
				left++
				continue
			}
			r, err := s.result(i)
			if err != nil {
				return err
			}
			ew.printf("<a id=\"%s\"></a>\n\n", anchor(i))
			writeMarkdownFinding(ew, r, false)
		}
	}
	if left > 0 || !tail {
		ew.printf("_%s left out here: GitHub limits a step summary to 1 MiB. Every finding is in the Markdown and HTML reports._\n\n", plural(left, "finding's section"))
	}
	if !tail {
		return nil
	}
	writeMarkdownFixed(ew, run)
	ew.printf("## Operations\n\n")
	writeMarkdownMatrix(ew, run, run.Groups(), func(i int) string {
		if include(i) {
			return anchor(i)
		}
		return ""
	})
	writeMarkdownSkips(ew, s)
	return nil
}

// markdownWithin decides which findings' sections fit in budget bytes,
// in the order they are written, and whether the tables after them do.
func markdownWithin(s *shown, groups []*kind, budget int) (map[int]bool, bool, error) {
	const reserve = 512 // the note that says what was left out
	all := func(int) bool { return true }
	var head countingWriter
	ew := &errWriter{w: &head}
	ew.printf("# idemcheck report\n\n")
	writeMarkdownMeta(ew, s.run)
	writeMarkdownProbeTable(ew, s)
	writeMarkdownGroups(ew, s, groups, all)
	size := head.n + reserve
	in := map[int]bool{}
	full := true
	for _, g := range groups {
		for _, i := range g.results {
			r, err := s.result(i)
			if err != nil {
				return nil, false, err
			}
			var c countingWriter
			cw := &errWriter{w: &c}
			cw.printf("<a id=\"%s\"></a>\n\n", anchor(i))
			writeMarkdownFinding(cw, r, false)
			if !full || size+c.n > budget {
				full = false
				continue
			}
			size += c.n
			in[i] = true
		}
	}
	var rest countingWriter
	rw := &errWriter{w: &rest}
	writeMarkdownFixed(rw, s.run)
	writeMarkdownMatrix(rw, s.run, s.run.Groups(), func(int) string { return "" })
	writeMarkdownSkips(rw, s)
	return in, full && size+rest.n+64 <= budget, nil
}

// anchor is the id of the i-th result's section.
func anchor(i int) string { return "f" + strconv.Itoa(i+1) }

// writeMarkdownProbeTable writes the summary of a large run: the counts,
// then per probe how many results had each verdict.
func writeMarkdownProbeTable(ew *errWriter, s *shown) {
	run := s.run
	ew.printf("## Summary\n\n%s.\n\n", countsLine(run))
	rows := probeCounts(run)
	if len(rows) == 0 {
		return
	}
	accepted := run.Baseline != nil || run.Counts().Accepted > 0
	ew.printf("| Probe | Failed |")
	if accepted {
		ew.printf(" Accepted |")
	}
	ew.printf(" Errors | Passed | Skipped |\n| --- | ---: |")
	if accepted {
		ew.printf(" ---: |")
	}
	ew.printf(" ---: | ---: | ---: |\n")
	bold := func(n int) string {
		if n > 0 {
			return "**" + strconv.Itoa(n) + "**"
		}
		return "0"
	}
	for _, row := range rows {
		ew.printf("| %s | %s |", mdCell(mdCode(row.probe)), bold(row.Fail))
		if accepted {
			ew.printf(" %d |", row.Accepted)
		}
		ew.printf(" %s | %d | %d |\n", bold(row.Error), row.Pass, row.Skip)
	}
	ew.printf("\n")
}

// probeCount is the counts of one probe's results.
type probeCount struct {
	probe string
	Counts
}

// probeCounts counts each probe's results by verdict, probes in the order
// they first occur.
func probeCounts(run *Run) []probeCount {
	var rows []probeCount
	index := map[string]int{}
	for _, r := range run.Results {
		p := nonEmpty(sanitizeLine(r.Probe), "unnamed probe")
		i, ok := index[p]
		if !ok {
			i = len(rows)
			index[p] = i
			rows = append(rows, probeCount{probe: p})
		}
		rows[i].add(r)
	}
	return rows
}

// groupWord is how a group's heading names its verdict.
func groupWord(k *kind) string {
	switch {
	case k.verdict == probes.Fail && k.accepted:
		return "ACCEPTED"
	case k.verdict == probes.Fail:
		return "FAIL"
	}
	return "ERROR"
}

// groupTitle is "replay · critical · 168 operations".
func groupTitle(run *Run, k *kind) string {
	parts := []string{nonEmpty(k.probe, "unnamed probe")}
	if k.severity != "" {
		parts = append(parts, k.severity)
	}
	return strings.Join(append(parts, plural(k.operations(run), "operation")), " · ")
}

// writeMarkdownGroups writes the findings by kind: the reason's shape, the
// rule and fix once, and a link to each result's section.
func writeMarkdownGroups(ew *errWriter, s *shown, groups []*kind, include func(int) bool) {
	run := s.run
	ew.printf("## Findings by kind\n\n")
	if len(groups) == 0 {
		ew.printf("No failures or errors.\n\n")
		return
	}
	for _, g := range groups {
		first := run.Results[g.results[0]]
		ew.printf("### %s %s\n\n%s\n\n", groupWord(g), mdText(groupTitle(run, g)), mdText(g.shape))
		if first.Rule != "" {
			ew.printf("- **Rule:** %s\n", mdText(sanitizeLine(first.Rule)))
		}
		if first.Fix != "" {
			ew.printf("- **Fix:** %s\n", mdText(sanitizeLine(first.Fix)))
		}
		if first.Rule != "" || first.Fix != "" {
			ew.printf("\n")
		}
		links := make([]string, 0, len(g.results))
		for _, i := range g.results {
			name := mdCode(operationName(run.Results[i].Operation))
			if include(i) {
				name = "[" + name + "](#" + anchor(i) + ")"
			}
			links = append(links, name)
		}
		ew.printf("%s\n\n", strings.Join(links, " · "))
	}
}

// writeMarkdownSkips writes the skips of a large run grouped by probe and
// reason.
func writeMarkdownSkips(ew *errWriter, s *shown) {
	var skips []*kind
	for _, k := range s.kinds.all {
		if k.verdict == probes.Skip {
			skips = append(skips, k)
		}
	}
	if len(skips) == 0 {
		return
	}
	ew.printf("## Skipped\n\n")
	for _, k := range skips {
		ew.printf("- %s, %s: %s\n", mdCode(nonEmpty(k.probe, "unnamed probe")), plural(k.operations(s.run), "operation"), mdText(k.shape))
	}
	ew.printf("\n")
}

// countingWriter counts what is written to it.
type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}
