package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// row is one N and L of the table.
type row struct {
	n       int
	latency time.Duration
	d       float64
	waves   float64       // ⌈N/parallel⌉
	bound   time.Duration // ⌈N/parallel⌉·D·L
	m       measurement
}

func newRow(n int, l time.Duration, parallel int, d float64, m measurement) row {
	waves := math.Ceil(float64(n) / float64(parallel))
	return row{n: n, latency: l, d: d, waves: waves, bound: time.Duration(waves * d * float64(l)), m: m}
}

// printTable writes the rows as a Markdown table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| N\t| L\t| wall\t| requests per operation\t| D\t| bound ⌈N/parallel⌉·D·L\t| wall / bound\t| time in server per request t\t| wall / (⌈N/parallel⌉·D·t)\t| verdicts\t|")
	fmt.Fprintln(tw, "| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t| ---\t|")
	for _, r := range rows {
		ratio := "—"
		if r.bound > 0 {
			ratio = fmt.Sprintf("%.2f", float64(r.m.wall)/float64(r.bound))
		}
		measured := "—"
		if r.m.inServer > 0 && r.latency > 0 {
			measured = fmt.Sprintf("%.2f", float64(r.m.wall)/(r.waves*r.d*float64(r.m.inServer)))
		}
		fmt.Fprintf(tw, "| %d\t| %v\t| %v\t| %.1f\t| %.1f\t| %v\t| %s\t| %v\t| %s\t| %s\t|\n", r.n, r.latency, r.m.wall.Round(100*time.Millisecond),
			float64(r.m.requests)/float64(r.n), r.d, r.bound.Round(100*time.Millisecond), ratio, r.m.inServer.Round(10*time.Microsecond), measured, verdicts(r.m.verdicts))
	}
	tw.Flush()
}

// verdicts summarizes the verdict counts: "1400 pass, 400 skip".
func verdicts(v map[probes.Verdict]int) string {
	s := ""
	for _, k := range []probes.Verdict{probes.Pass, probes.Fail, probes.Error, probes.Skip} {
		if v[k] == 0 {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", v[k], k)
	}
	return s
}
