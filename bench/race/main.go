// Command race measures how often the concurrent probe catches a
// check-then-act race, per release mode and race window:
//
//	go run ./bench/race                     # 20 runs per cell, windows 2ms, 500µs, 100µs, parked and CPU-bound holds
//	go run ./bench/race -runs 50 -windows 1ms,50us -holds cpu
//
// A run is what `idemcheck check --probes concurrent` does by default
// (--concurrency 10, --rounds 3) against a fresh payments-check-then-act
// example server on loopback whose check and act are the window apart; the
// race is detected when the verdict is fail. The window is either a parked
// wait (hold park: a database round trip) or CPU work (hold cpu: a busy
// loop that keeps the handler on its processor). The table shows the
// fraction of runs that detected it, the rounds that caught it over all
// rounds, and the median client-side send spread of the rounds (h2 sends
// every final frame in one write: 0s).
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
	runs    int
	holds   []string
	windows []time.Duration
	modes   []probes.RaceMode
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
	fmt.Fprintf(stdout, "check-then-act race detected by the concurrent probe (--concurrency %d --rounds %d), %d runs per cell\n\n",
		probes.DefaultConcurrency, probes.DefaultRounds, cfg.runs)
	var rows []row
	for _, hold := range cfg.holds {
		for _, w := range cfg.windows {
			r := row{hold: hold, window: w}
			for _, mode := range cfg.modes {
				c, err := measure(ctx, op, w, hold == "cpu", mode, cfg.runs)
				if err != nil {
					fmt.Fprintln(stderr, "race:", err)
					return 1
				}
				r.cells = append(r.cells, c)
			}
			rows = append(rows, r)
		}
	}
	printTable(stdout, cfg.modes, rows)
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("race", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 20, "default runs per window and mode")
	windows := fs.String("windows", "2ms,500us,100us", "race windows of the example server, comma-separated")
	modes := fs.String("modes", "naive,last-byte,h2", "release modes, comma-separated (auto, last-byte, h2, naive)")
	holds := fs.String("holds", "park,cpu", "what the race window is: park (a parked wait), cpu (a busy loop), comma-separated")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *runs < 1 || *runs > 10000 {
		return nil, fmt.Errorf("-runs must be between 1 and 10000, got %d", *runs)
	}
	cfg := &config{runs: *runs}
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

// measure does runs default runs of the concurrent probe in mode against
// fresh racy servers with the given window.
func measure(ctx context.Context, op openapi.Operation, window time.Duration, busy bool, mode probes.RaceMode, runs int) (cell, error) {
	concurrent, err := probes.Select([]string{"concurrent"})
	if err != nil {
		return cell{}, err
	}
	v := examples.Variant{
		Name: "payments-check-then-act",
		Handler: func() http.Handler {
			return payments.New(payments.Options{Flaw: payments.FlawRace, RaceWindow: window, RaceBusy: busy})
		},
	}
	c := cell{runs: runs}
	for range runs {
		srv, err := examples.Start(v)
		if err != nil {
			return cell{}, err
		}
		env := probes.Env{BaseURL: srv.URL, RaceMode: mode}
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
	}
	return c, nil
}
