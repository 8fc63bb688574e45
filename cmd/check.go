package cmd

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// CheckOptions are the inputs of `idemcheck check`.
type CheckOptions struct {
	check.Options
	RunOutputs
	Quiet bool // no progress line on stderr
}

// NewCmdCheck builds `idemcheck check`. runF replaces checkRun in tests.
func NewCmdCheck(stdout, stderr io.Writer, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{RunOutputs: RunOutputs{Terminal: report.Terminal{Stdout: stdout, Stderr: stderr}}}
	c := &cobra.Command{
		Use:   "check --spec FILE|URL --base-url URL",
		Short: "Probe a running API for idempotency defects",
		Example: `  idemcheck check --spec openapi.yaml --base-url http://127.0.0.1:8080 \
      -H 'Authorization: Bearer t' --junit report.xml --json report.json`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts.Explicit = explicitOptions(c.Flags())
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return checkRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	o := &opts.Options
	addPlanFlags(f, o) // plan.go
	f.StringVar(&o.BaseURL, "base-url", "", "base URL of the running API; requests go nowhere else (required)")
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "header sent with every request, 'Name: value' (repeatable; redacted in reports)")
	f.StringArrayVar(&o.OtherHeaders, "other-header", nil, "header naming a second principal for cross-principal, 'Name: value' (repeatable; replaces the same-named -H; redacted)")
	f.StringVar(&o.Profile, "profile", probes.DefaultProfile, "expectations that differ between providers: ietf, stripe, adyen, paypal, square")
	f.StringArrayVar(&o.IgnoreFields, "ignore-field", nil, "JSON pointer of a volatile response field left out of comparisons (repeatable)")
	f.StringVar(&o.RaceMode, "race-mode", string(probes.DefaultRaceMode), "how concurrent releases its copies: "+probes.RaceModeHelp())
	f.IntVar(&o.Parallel, "parallel", probes.DefaultParallel, "operations probed at once")
	f.DurationVar(&o.Timeout, "timeout", probes.DefaultTimeout, "timeout of every single request")
	f.DurationVar(&o.MaxDuration, "max-duration", 0, "time budget of the whole run; when spent, what finished is reported and the rest is 'not run' (default no limit)")
	f.Float64Var(&o.Rate, "rate", 0, "at most this many requests per second across the run (default no limit)")
	f.StringVar(&o.FailOn, "fail-on", check.DefaultFailOn, "lowest severity that fails the run: info, minor, major, critical")
	f.StringVar(&o.CACert, "cacert", "", "PEM file of the root certificates to trust instead of the system's (a private CA)")
	f.StringVar(&o.ClientCert, "client-cert", "", "PEM client certificate for servers that require one (with --client-key)")
	f.StringVar(&o.ClientKey, "client-key", "", "PEM key of --client-cert")
	f.BoolVar(&o.Insecure, "insecure", false, "do not verify the server's certificate (never implied)")
	f.StringArrayVar(&o.Redact, "redact", nil, "a value to scrub from every report and message, beside -H values and configured credentials (repeatable)")
	f.StringVar(&o.Baseline, "baseline", "", "file of accepted findings (idemcheck baseline): shown as accepted, they do not fail the gate")
	f.BoolVar(&o.Cleanup, "cleanup", false, "after the run, remove every resource it created, with the document's DELETE for each (within --max-duration, at --rate); the report lists what was not removed")
	f.StringVar(&o.Shard, "shard", "", "check only shard k/n of the operations, for parallel CI jobs (combine their --json reports with idemcheck merge)")
	addRunOutputFlags(f, &opts.RunOutputs)
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr while the check runs")
	return c
}

// checkRun checks the API and prints what the engine found.
func checkRun(ctx context.Context, opts *CheckOptions) error {
	opts.Tool = "idemcheck " + versionString()
	c, err := check.New(opts.Options)
	if err != nil {
		return err
	}
	if err := opts.Reports.Check(); err != nil { // before anything is sent: findings must have somewhere to go
		return err
	}
	doc, err := c.Load(ctx)
	if err != nil {
		return err
	}
	report.WriteWarnings(opts.Stderr, doc.Warnings)
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		return err
	}
	if !opts.Quiet {
		c.ShowProgress(opts.Stderr)
	}
	run, err := c.Run(ctx, plan)
	if err != nil {
		return err
	}
	defer run.Close() // its spool of evidence
	return finishRun(run, opts.RunOutputs)
}
