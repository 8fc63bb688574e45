// Command race measures how often the concurrent probe catches a
// check-then-act race, per release mode, race window and handler latency,
// and what its quick rounds cost a correct API:
//
//	go run ./bench/race                     # 20 runs per cell, windows 2ms, 500µs, 100µs, parked and CPU-bound holds
//	go run ./bench/race -runs 50 -windows 1ms,50us -holds cpu
//	go run ./bench/race -holds cpu -windows 500us,100us -process-delay 30ms,100ms
//
// A run is what `idemcheck check --probes concurrent` does by default
// (--concurrency 10, --rounds 3, the default --race-budget) against a fresh
// payments-check-then-act example server on loopback whose check and act
// are the window apart; the race is detected when the verdict is fail. The
// window is either a parked wait (hold park: a database round trip) or CPU
// work (hold cpu: a busy loop that keeps the handler on its processor).
// -process-delay is the handler's work after the window (a database write,
// a call to a payment network): every processed request, and every read,
// takes that long. The table shows the fraction of runs that detected it,
// the rounds that caught it over all rounds (the per-round odds), and the
// median client-side send spread of the measured rounds (h2 sends every
// final frame in one write: 0s). A second table shows, per process delay
// and mode, what the quick rounds cost a correct server (the example
// without the flaw, same delay): the rounds they ran and their wall time
// per operation, beside the whole probe's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// config is the parsed command line.
type config struct {
	runs        int
	holds       []string
	windows     []time.Duration
	delays      []time.Duration
	modes       []probes.RaceMode
	quickCopies int
	budget      probes.RaceBudget
	costRuns    int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "race:", err)
		}
		return 2
	}
	op, err := createPayment(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "race:", err)
		return 1
	}
	fmt.Fprintf(stdout, "check-then-act race detected by the concurrent probe (--concurrency %d --rounds %d --race-budget %s, quick rounds of %d copies), %d runs per cell\n\n",
		probes.DefaultConcurrency, probes.DefaultRounds, cfg.budget.OrDefault(), cfg.quickCopiesOrDefault(), cfg.runs)
	var rows []row
	for _, hold := range cfg.holds {
		for _, w := range cfg.windows {
			for _, d := range cfg.delays {
				r := row{hold: hold, window: w, delay: d}
				for _, mode := range cfg.modes {
					c, err := measure(ctx, op, cfg, server{window: w, busy: hold == "cpu", delay: d, racy: true}, mode, cfg.runs)
					if err != nil {
						fmt.Fprintln(stderr, "race:", err)
						return 1
					}
					r.cells = append(r.cells, c)
				}
				rows = append(rows, r)
			}
		}
	}
	printTable(stdout, cfg.modes, rows)
	var costs []costRow
	for _, d := range cfg.delays {
		cr := costRow{delay: d}
		for _, mode := range cfg.modes {
			c, err := measure(ctx, op, cfg, server{delay: d}, mode, cfg.costRuns)
			if err != nil {
				fmt.Fprintln(stderr, "race:", err)
				return 1
			}
			if c.detected > 0 || c.errors > 0 {
				fmt.Fprintf(stderr, "race: the correct server at %v (%s) got %d failures and %d errors, e.g. %s\n", d, mode, c.detected, c.errors, c.lastError)
				return 1
			}
			cr.cells = append(cr.cells, c)
		}
		costs = append(costs, cr)
	}
	printCosts(stdout, cfg.modes, costs)
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("race", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 20, "default runs per window and mode")
	windows := fs.String("windows", "2ms,500us,100us", "race windows of the example server, comma-separated")
	modes := fs.String("modes", "naive,last-byte,h2", "release modes, comma-separated: "+probes.RaceModeHelp())
	holds := fs.String("holds", "park,cpu", "what the race window is: park (a parked wait), cpu (a busy loop), comma-separated")
	delays := fs.String("process-delay", "0", "the handler's work after the window (and every read's latency), comma-separated, e.g. 30ms,100ms")
	quickCopies := fs.Int("quick-copies", 0, "copies of each quick round (0: the probe's default)")
	budget := fs.String("race-budget", "", "the probe's --race-budget: rounds or a duration (default the probe's)")
	costRuns := fs.Int("cost-runs", 3, "runs per process delay and mode against the correct server, for the cost table")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *runs < 1 || *runs > 10000 {
		return nil, fmt.Errorf("-runs must be between 1 and 10000, got %d", *runs)
	}
	if *costRuns < 1 || *costRuns > 1000 {
		return nil, fmt.Errorf("-cost-runs must be between 1 and 1000, got %d", *costRuns)
	}
	if *quickCopies < 0 || *quickCopies > probes.DefaultConcurrency {
		return nil, fmt.Errorf("-quick-copies must be between 0 and %d, got %d", probes.DefaultConcurrency, *quickCopies)
	}
	cfg := &config{runs: *runs, quickCopies: *quickCopies, costRuns: *costRuns}
	if *budget != "" {
		b, err := probes.ParseRaceBudget(*budget)
		if err != nil {
			return nil, fmt.Errorf("-race-budget: %w", err)
		}
		cfg.budget = b
	}
	for _, s := range strings.Split(*delays, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 0 || d > time.Second {
			return nil, fmt.Errorf("-process-delay: %q is not a duration between 0 and 1s", s)
		}
		cfg.delays = append(cfg.delays, d)
	}
	for _, h := range strings.Split(*holds, ",") {
		if h = strings.TrimSpace(h); h != "park" && h != "cpu" {
			return nil, fmt.Errorf("-holds: %q is neither park nor cpu", h)
		}
		cfg.holds = append(cfg.holds, strings.TrimSpace(h))
	}
	for _, s := range strings.Split(*windows, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 || d > time.Second {
			return nil, fmt.Errorf("-windows: %q is not a duration between 0 and 1s", s)
		}
		cfg.windows = append(cfg.windows, d)
	}
	for _, s := range strings.Split(*modes, ",") {
		m, err := probes.ParseRaceMode(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("-modes: %w", err)
		}
		cfg.modes = append(cfg.modes, m)
	}
	return cfg, nil
}

// createPayment plans POST /v1/payments of the example API, as check would.
func createPayment(ctx context.Context) (openapi.Operation, error) {
	doc, err := openapi.LoadData(ctx, payments.Spec, "payments.yaml")
	if err != nil {
		return openapi.Operation{}, err
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{Operations: []string{"createPayment"}})
	if err != nil {
		return openapi.Operation{}, err
	}
	if len(ops) != 1 || ops[0].Skip != "" {
		return openapi.Operation{}, fmt.Errorf("createPayment could not be planned: %+v", ops)
	}
	return ops[0], nil
}

// quickCopiesOrDefault is the copies of a quick round the runs use.
func (c *config) quickCopiesOrDefault() int {
	if c.quickCopies > 0 {
		return c.quickCopies
	}
	return probes.DefaultQuickCopies
}

// server is the example server of a run: racy with a window (parked or
// busy), or correct; every processed request and read takes delay.
type server struct {
	window time.Duration
	busy   bool
	delay  time.Duration
	racy   bool
}

func (s server) variant() examples.Variant {
	opts := payments.Options{Latency: s.delay}
	name := "payments"
	if s.racy {
		opts.Flaw, opts.RaceWindow, opts.RaceBusy = payments.FlawRace, s.window, s.busy
		name = "payments-check-then-act"
	}
	return examples.Variant{Name: name, Handler: func() http.Handler { return payments.New(opts) }}
}

// measure does runs default runs of the concurrent probe in mode against
// fresh servers.
func measure(ctx context.Context, op openapi.Operation, cfg *config, s server, mode probes.RaceMode, runs int) (cell, error) {
	concurrent, err := probes.Select([]string{"concurrent"})
	if err != nil {
		return cell{}, err
	}
	v := s.variant()
	c := cell{runs: runs}
	for range runs {
		srv, err := examples.Start(v)
		if err != nil {
			return cell{}, err
		}
		env := probes.Env{BaseURL: srv.URL, RaceMode: mode, QuickCopies: cfg.quickCopies, RaceBudget: cfg.budget}
		res := probes.Run(ctx, []openapi.Operation{op}, concurrent, env)[0]
		if err := srv.Close(); err != nil {
			return cell{}, err
		}
		switch res.Verdict {
		case probes.Fail:
			c.detected++
		case probes.Error:
			c.errors++
			c.lastError = res.Reason
		}
		c.spreads = append(c.spreads, sendSpreads(res)...)
		caught, rounds := roundsCaught(res)
		c.caught += caught
		c.rounds += rounds
		qr, qt := quickCost(res)
		c.quickRounds += qr
		c.quickTime += qt
		c.probeTime += res.Duration
	}
	return c, nil
}
