package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// cell is one window and mode: how many runs detected the race.
type cell struct {
	runs, detected, errors int
	// rounds are the concurrent probe's rounds over all runs, caught those
	// in which the defect showed: per-round detection.
	rounds, caught int
	lastError      string
	spreads        []time.Duration // per round
	// quickRounds and quickTime are the quick rounds run and their wall
	// time over all runs; probeTime the whole probe's.
	quickRounds          int
	quickTime, probeTime time.Duration
}

// row is one race window and hold kind across the modes.
type row struct {
	hold   string // "park" or "cpu"
	window time.Duration
	delay  time.Duration // the handler's work after the window
	cells  []cell
}

// costRow is one process delay against the correct server, across the modes.
type costRow struct {
	delay time.Duration
	cells []cell
}

// caughtRE finds how many rounds showed the defect in a failed concurrent
// result ("the defect showed in 1 of 3 rounds of 10 (h2) and 24 quick
// rounds of 3"); ranRE how many rounds ran, measured and quick.
var (
	caughtRE = regexp.MustCompile(`showed in (\d+) of `)
	ranRE    = regexp.MustCompile(`(\d+) rounds? of \d+ \([a-z0-9-]+\)(?: and (\d+) quick rounds? of \d+)?`)
)

// roundsCaught reads how many of a result's rounds caught the race.
func roundsCaught(res probes.Result) (caught, rounds int) {
	if m := caughtRE.FindStringSubmatch(res.Reason); m != nil {
		fmt.Sscan(m[1], &caught)
	}
	if m := ranRE.FindStringSubmatch(res.Reason); m != nil {
		var quick int
		fmt.Sscan(m[1], &rounds)
		if m[2] != "" {
			fmt.Sscan(m[2], &quick)
		}
		rounds += quick
	}
	return caught, rounds
}

// quickRE finds the quick rounds' count and wall time in their summary:
// "rounds 4–60 (naive, quick: 57 rounds of 3, up to 3 at once, measured
// together, 930ms): …".
var quickRE = regexp.MustCompile(`quick: (\d+) rounds? of \d+[^)]*, ([0-9.]+[a-zµ]+)\):`)

// quickCost reads what a result's quick rounds ran and took.
func quickCost(res probes.Result) (rounds int, took time.Duration) {
	for _, d := range res.Diffs {
		if m := quickRE.FindStringSubmatch(d); m != nil {
			fmt.Sscan(m[1], &rounds)
			took, _ = time.ParseDuration(m[2])
			return rounds, took
		}
	}
	return 0, 0
}

// spreadRE finds the send spread in the concurrent probe's round summaries:
// "round 2 (last-byte, send spread 37µs): …".
var spreadRE = regexp.MustCompile(`^\s*round \d+ \([a-z0-9-]+, send spread ([^)]+)\)`)

// sendSpreads reads the rounds' send spreads from a concurrent result.
func sendSpreads(res probes.Result) []time.Duration {
	var out []time.Duration
	for _, d := range res.Diffs {
		for _, line := range strings.Split(d, "\n") {
			if m := spreadRE.FindStringSubmatch(line); m != nil {
				if s, err := time.ParseDuration(m[1]); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// median of ds, or -1 when there is none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// printTable writes the detection rates, then the send spreads.
func printTable(w io.Writer, modes []probes.RaceMode, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "hold\trace window\tprocess delay")
	for _, m := range modes {
		fmt.Fprintf(tw, "\t%s", m)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s", r.hold, r.window, r.delay)
		for _, c := range r.cells {
			fmt.Fprintf(tw, "\t%d/%d (%.0f%%), rounds %d/%d", c.detected, c.runs, 100*float64(c.detected)/float64(c.runs), c.caught, c.rounds)
			if c.errors > 0 {
				fmt.Fprintf(tw, " %d errors", c.errors)
			}
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "median send spread\t\t")
	for i := range modes {
		var all []time.Duration
		for _, r := range rows {
			all = append(all, r.cells[i].spreads...)
		}
		if m := median(all); m >= 0 {
			fmt.Fprintf(tw, "\t%s", m)
		} else {
			fmt.Fprint(tw, "\t-")
		}
	}
	fmt.Fprintln(tw)
	tw.Flush() //nolint:errcheck // stdout
	for _, r := range rows {
		for i, c := range r.cells {
			if c.errors > 0 {
				fmt.Fprintf(w, "\n%s at %s (%s): %d runs ended in an error, e.g. %s", modes[i], r.window, r.hold, c.errors, c.lastError)
			}
		}
	}
}

// printCosts writes what the quick rounds cost a correct server per
// operation, per process delay and mode: the quick rounds run, their wall
// time, and the whole concurrent probe's.
func printCosts(w io.Writer, modes []probes.RaceMode, rows []costRow) {
	fmt.Fprintln(w, "\ncost per operation on the correct server (same delays): quick rounds run, their wall time / the whole probe's")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "process delay")
	for _, m := range modes {
		fmt.Fprintf(tw, "\t%s", m)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s", r.delay)
		for _, c := range r.cells {
			n := time.Duration(c.runs)
			fmt.Fprintf(tw, "\t%d rounds, %s / %s", c.quickRounds/c.runs, (c.quickTime / n).Round(10*time.Millisecond), (c.probeTime / n).Round(10*time.Millisecond))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush() //nolint:errcheck // stdout
}
