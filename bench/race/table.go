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
}

// row is one race window and hold kind across the modes.
type row struct {
	hold   string // "park" or "cpu"
	window time.Duration
	cells  []cell
}

// caughtRE finds how many rounds showed the defect in a failed concurrent
// result ("the defect showed in 2 of 3 rounds"); passedRE how many rounds
// a passing one ran ("15 rounds of 10 concurrent requests").
var (
	caughtRE = regexp.MustCompile(`showed in (\d+) of (\d+) rounds`)
	passedRE = regexp.MustCompile(`^(\d+) rounds of`)
)

// roundsCaught reads how many of a result's rounds caught the race.
func roundsCaught(res probes.Result) (caught, rounds int) {
	if m := caughtRE.FindStringSubmatch(res.Reason); m != nil {
		fmt.Sscan(m[1], &caught)
		fmt.Sscan(m[2], &rounds)
	} else if m := passedRE.FindStringSubmatch(res.Reason); m != nil {
		fmt.Sscan(m[1], &rounds)
	}
	return caught, rounds
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
	fmt.Fprint(tw, "hold\trace window")
	for _, m := range modes {
		fmt.Fprintf(tw, "\t%s", m)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s", r.hold, r.window)
		for _, c := range r.cells {
			fmt.Fprintf(tw, "\t%d/%d (%.0f%%), rounds %d/%d", c.detected, c.runs, 100*float64(c.detected)/float64(c.runs), c.caught, c.rounds)
			if c.errors > 0 {
				fmt.Fprintf(tw, " %d errors", c.errors)
			}
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "median send spread\t")
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
