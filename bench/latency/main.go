// Command latency measures what a default check costs against a correct API
// whose every request takes a fixed latency, and how close that comes to
// what the latency makes necessary:
//
//	go run ./bench/latency                        # N 20,200 × L 0,20ms
//	go run ./bench/latency -n 20 -latency 20ms
//
// For each N and L it serves a correct keyed API with N POST operations
// (each with its GET list and GET by id) on loopback, every request delayed
// by L, and runs what `idemcheck check` runs by default (openapi.Plan, then
// probes.Run with every probe) in process. It prints the wall time of the
// run, the requests per operation, the longest dependent chain D (the
// requests one operation's probes must send one after another: concurrent
// copies count once), the bound ⌈N/parallel⌉·D·L and wall/bound, and the
// mean time a request really spent in the server (above L when the machine
// is loaded: time.Sleep wakes late).
//
// D is measured once, before the table, by a calibration run of two
// operations one at a time with L = 20ms: the server counts the times it
// went from idle to busy, and D is that count per operation.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// calibration is the latency and size of the run that measures D.
const (
	calibrationLatency = 20 * time.Millisecond
	calibrationOps     = 2
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// config is the parsed command line.
type config struct {
	ns        []int
	latencies []time.Duration
	parallel  int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "latency:", err)
		}
		return 2
	}
	cal, err := measure(ctx, calibrationOps, calibrationLatency, 1)
	if err != nil {
		fmt.Fprintln(stderr, "latency:", err)
		return 1
	}
	if cal.unexpected != "" {
		fmt.Fprintln(stderr, "latency: calibration: a correct API got a finding or an error:", cal.unexpected)
		return 1
	}
	d := float64(cal.steps) / calibrationOps
	fmt.Fprintf(stdout, "default check of a correct API, N keyed POST operations, latency L per request, --parallel %d\n", cfg.parallel)
	fmt.Fprintf(stdout, "D = %.1f dependent steps per operation (calibration: %d operations one at a time, L = %v, %d idle-to-busy transitions, %v)\n\n",
		d, calibrationOps, calibrationLatency, cal.steps, cal.wall.Round(time.Millisecond))
	var rows []row
	for _, n := range cfg.ns {
		for _, l := range cfg.latencies {
			m, err := measure(ctx, n, l, cfg.parallel)
			if err != nil {
				fmt.Fprintln(stderr, "latency:", err)
				return 1
			}
			rows = append(rows, newRow(n, l, cfg.parallel, d, m))
		}
	}
	printTable(stdout, rows)
	for _, r := range rows {
		if r.m.unexpected != "" {
			fmt.Fprintf(stderr, "latency: N=%d L=%v: a correct API got a finding or an error: %s\n", r.n, r.latency, r.m.unexpected)
			return 1
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("latency", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("n", "20,200", "numbers of keyed POST operations, comma-separated")
	latencies := fs.String("latency", "0,20ms", "latencies per request, comma-separated")
	parallel := fs.Int("parallel", probes.DefaultParallel, "operations probed at once (check's --parallel)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *parallel < 1 || *parallel > 64 {
		return nil, fmt.Errorf("-parallel must be between 1 and 64, got %d", *parallel)
	}
	cfg := &config{parallel: *parallel}
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 || n > 2000 {
			return nil, fmt.Errorf("-n: %q is not a number between 2 and 2000", s)
		}
		cfg.ns = append(cfg.ns, n)
	}
	for _, s := range strings.Split(*latencies, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 0 || d > time.Second {
			return nil, fmt.Errorf("-latency: %q is not a duration between 0 and 1s", s)
		}
		cfg.latencies = append(cfg.latencies, d)
	}
	return cfg, nil
}

// measurement is one default check against one API.
type measurement struct {
	wall       time.Duration // probes.Run
	requests   int           // seen by the server, the observers' preflight included
	steps      int           // the server's idle-to-busy transitions
	inServer   time.Duration // the mean time a request spent in the handler
	verdicts   map[probes.Verdict]int
	unexpected string // the first fail or error, "" when none
}

// measure serves a correct API with n operations and latency l, plans it and
// runs every probe on it with parallel operations at once.
func measure(ctx context.Context, n int, l time.Duration, parallel int) (measurement, error) {
	doc, err := spec(n)
	if err != nil {
		return measurement{}, err
	}
	d, err := openapi.LoadData(ctx, doc, "latency.json")
	if err != nil {
		return measurement{}, err
	}
	ops, err := openapi.Plan(ctx, d, openapi.PlanOptions{})
	if err != nil {
		return measurement{}, err
	}
	for _, op := range ops {
		if op.Skip != "" || op.Collection == nil {
			return measurement{}, fmt.Errorf("%s was not planned with its list: %q", op.ID, op.Skip)
		}
	}
	a := newAPI(n, l)
	srv, err := examples.Start(examples.Variant{Name: "latency", Handler: func() http.Handler { return a }})
	if err != nil {
		return measurement{}, err
	}
	defer srv.Close()
	start := time.Now()
	results := probes.Run(ctx, ops, probes.All(), probes.Config{BaseURL: srv.URL, Parallel: parallel})
	m := measurement{wall: time.Since(start), verdicts: map[probes.Verdict]int{}}
	m.requests, m.steps, m.inServer = a.counts()
	for _, r := range results {
		m.verdicts[r.Verdict]++
		if (r.Verdict == probes.Fail || r.Verdict == probes.Error) && m.unexpected == "" {
			m.unexpected = fmt.Sprintf("%s %s: %s %s", r.Operation.ID, r.Probe, r.Verdict, r.Reason)
		}
	}
	return m, nil
}
