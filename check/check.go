package check

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// Check is a validated check of one API.
type Check struct {
	opts     Options
	s        *settings
	progress func(*openapi.Operation, []probes.Result)
	showTo   io.Writer // ShowProgress's
}

// OnProgress makes Run call fn once per operation whose probes all ran,
// from the workers, concurrently.
func (c *Check) OnProgress(fn func(op *openapi.Operation, results []probes.Result)) {
	c.progress = fn
}

// New validates opts for a check against opts.BaseURL, a zero field
// meaning its default. Its errors are *UsageError, or name the
// configuration file's line.
func New(opts Options) (*Check, error) { return newCheck(opts, true) }

// NewPlanner validates opts for Plan alone: it needs no base URL, and
// nothing is sent.
func NewPlanner(opts Options) (*Check, error) { return newCheck(opts, false) }

func newCheck(opts Options, needTarget bool) (*Check, error) {
	opts = opts.withDefaults()
	s, err := opts.validate(needTarget)
	if err != nil {
		return nil, err
	}
	return &Check{opts: opts, s: s}, nil
}

// Load reads the document (Options.SpecData, else the file or URL
// Options.Spec). What is wrong with it but not fatal is in its Warnings.
func (c *Check) Load(ctx context.Context) (*openapi.Document, error) {
	var opts []openapi.LoadOption
	for _, d := range c.opts.AllowRefDirs {
		opts = append(opts, openapi.AllowRefDir(d))
	}
	if c.opts.SpecData != nil {
		return openapi.LoadData(ctx, c.opts.SpecData, c.opts.Spec, opts...)
	}
	return openapi.Load(ctx, c.opts.Spec, opts...)
}

// LoadPlan is Load then Plan: the document, with its warnings in
// Plan.Doc, and what a check of it sends.
func (c *Check) LoadPlan(ctx context.Context) (*Plan, error) {
	doc, err := c.Load(ctx)
	if err != nil {
		return nil, err
	}
	return c.Plan(ctx, doc)
}

// Plan is what a check sends: the planned operations, each with the
// settings it is checked with.
type Plan struct {
	Doc        *openapi.Document
	Operations []openapi.Operation
	// Targets are the operations this check runs, with their settings:
	// all of Operations, or a shard of them (Options.Shard).
	Targets []probes.Target
	// Planned are the targets of all of Operations (Planned[i].Op is
	// &Operations[i]), for probes that need another operation.
	Planned []probes.Target
}

// Plan selects and plans the document's mutating operations, with the
// configuration's requests, keys, observers and expectations. It sends
// nothing.
func (c *Check) Plan(ctx context.Context, doc *openapi.Document) (*Plan, error) {
	cfg := c.s.cfg
	if cfg != nil {
		if err := cfg.CheckOperations(openapi.OperationNames(doc)); err != nil {
			return nil, err
		}
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{
		Operations: c.opts.Operations,
		KeyHeader:  c.opts.KeyHeader,
		KeyField:   c.opts.KeyField,
		KeyFormat:  c.opts.KeyFormat,
		Overrides:  overrides(cfg),
	})
	if err != nil {
		return nil, err
	}
	planned, err := settle(cfg, c.s.profile, ops)
	if err != nil {
		return nil, err
	}
	targets := planned
	if c.s.shardN > 0 {
		if targets, err = probes.ShardTargets(planned, c.s.shardK, c.s.shardN); err != nil {
			return nil, err
		}
	}
	return &Plan{Doc: doc, Operations: ops, Targets: targets, Planned: planned}, nil
}

// Run makes sure the target answers, checks its configured observers, runs
// every selected probe on every planned operation and returns the results.
// Cancelling ctx (a signal), or spending Options.MaxDuration, stops the
// work in flight: the run is returned with what finished, the rest as
// errors "not run: <why>", and Run.Stopped saying why, so every report can
// still be written.
//
// The results are scrubbed of secrets as each operation finishes and their
// evidence goes to a temporary file (report.Spool), so memory holds the
// verdicts and the operations in flight, not the whole run's evidence:
// read a result with its evidence with Run.Result, and Close the run when
// its reports are written.
func (c *Check) Run(ctx context.Context, plan *Plan) (*report.Run, error) {
	progress := c.startProgress(len(plan.Targets)) // progress.go
	run, err := c.run(ctx, plan, progress.operation)
	if perr := progress.finish(); err == nil && perr != nil {
		run.Close()
		return nil, perr
	}
	return run, err
}

// run is Run, calling progress once per operation whose probes all ran.
func (c *Check) run(ctx context.Context, plan *Plan, progress func(*openapi.Operation, []probes.Result)) (*report.Run, error) {
	if len(plan.Operations) == 0 {
		return nil, fmt.Errorf("%s has no mutating operations to check", plan.Doc.Source)
	}
	if c.opts.MaxDuration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.opts.MaxDuration, fmt.Errorf("time budget (--max-duration %s) spent", c.opts.MaxDuration))
		defer cancel()
	}
	var setup atomic.Int64 // what no result counts (probes.CountSent)
	ctx = probes.CountSent(ctx, &setup)
	if err := c.Preflight(ctx, plan); err != nil {
		return nil, report.RedactError(err, c.secrets()) // it may quote an observer's command
	}
	env := c.s.env
	env.Planned = plan.Planned // a shard's probes find the other operations
	env.Progress = progress
	spool, err := report.NewSpool("", len(plan.Targets))
	if err != nil {
		return nil, err
	}
	red := report.NewRedactor(c.secrets())
	start := time.Now()
	var mu sync.Mutex
	var created []probes.Created // what --cleanup removes
	probes.StreamTargets(ctx, plan.Targets, c.s.probes, env, func(i int, results []probes.Result) {
		mu.Lock()
		created = append(created, takeCreated(results)...) // cleanup.go: credentials kept here only
		mu.Unlock()
		spool.Add(i, red.Run(&report.Run{Results: results}).Results) // scrubbed before anything is kept
	})
	stopped := ""
	if cause := context.Cause(ctx); cause != nil {
		stopped = cause.Error()
	}
	run := &report.Run{
		Stopped:  stopped,
		Tool:     c.opts.Tool,
		Spec:     plan.Doc.Source,
		BaseURL:  env.BaseURL,
		Gate:     c.s.gate,
		Started:  start.UTC(),
		Duration: time.Since(start),
	}
	run.SetupRequests = int(setup.Load())
	if c.s.shardN > 0 {
		run.Shard = fmt.Sprintf("%d/%d", c.s.shardK, c.s.shardN)
	}
	if c.opts.Cleanup {
		run.Cleanup = cleanup(ctx, env, created)
	}
	spool.Run(run)
	if c.s.baseline != nil {
		report.ApplyBaseline(run, c.s.baseline, c.opts.Baseline)
	}
	return report.Redact(run, c.secrets()), nil // before any report is written or printed
}

// Preflight makes sure the target answers and that every configured
// observer the plan uses can take a snapshot, before any probe runs: an
// unreachable target or a broken observer is one error, not a wall of them.
func (c *Check) Preflight(ctx context.Context, plan *Plan) error {
	if err := reachable(ctx, c.s.env, c.opts.Timeout); err != nil {
		return err
	}
	return preflightObservers(ctx, c.s.cfg, c.s.env, plan.Targets)
}

// Probes are the probes the check runs, in catalogue order.
func (c *Check) Probes() []probes.Probe { return c.s.probes }

// Gate is the lowest severity that fails the check.
func (c *Check) Gate() probes.Severity { return c.s.gate }

// RunOne runs probe p on the plan's i-th operation alone (after Preflight),
// for a caller that runs each pair on its own, as idemchecktest does.
func (c *Check) RunOne(ctx context.Context, plan *Plan, i int, p probes.Probe) probes.Result {
	env := c.s.env
	env.Planned = plan.Planned
	return c.redactResult(probes.RunOne(ctx, plan.Targets, i, p, env))
}

// reachable makes sure something answers HTTP at base before any probe runs,
// so an unreachable target is one clear error instead of a wall of errors.
// Any HTTP answer will do (a 404, a 500, a redirect); what is said of a
// failure is what the server did (wire.Explain): one that answered with
// broken bytes, or too slowly, was reached.
func reachable(ctx context.Context, env probes.Env, timeout time.Duration) error {
	base := env.BaseURL
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var p wire.Progress
	req, err := http.NewRequestWithContext(wire.Trace(probes.CountWrites(rctx), &p), http.MethodHead, base+"/", http.NoBody)
	if err != nil {
		return err
	}
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			TLSClientConfig:        env.TLS,
			Proxy:                  nil,
			MaxResponseHeaderBytes: wire.DefaultMaxHeaderBytes, // as the probes read
		},
	}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil { // the run was stopped, not the target
			return fmt.Errorf("target %s: %w", base, context.Cause(ctx))
		}
		return fmt.Errorf("target %s %w", base, wire.Explain(err, &p, timeout))
	}
	resp.Body.Close()
	return nil
}
