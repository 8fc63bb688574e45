package cmd

import (
	"context"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// PlanOptions are the inputs of `idemcheck plan`.
type PlanOptions struct {
	Stdout, Stderr io.Writer

	check.Options
	JSON bool
}

// NewCmdPlan builds `idemcheck plan`. runF replaces planRun in tests.
func NewCmdPlan(stdout, stderr io.Writer, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{Stdout: stdout, Stderr: stderr}
	c := &cobra.Command{
		Use:   "plan --spec FILE|URL",
		Short: "Show what check would send, without sending anything",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts.Explicit = explicitOptions(c.Flags())
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return planRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	addPlanFlags(f, &opts.Options)
	f.BoolVar(&opts.JSON, "json", false, "print the plan as JSON")
	return c
}

// addPlanFlags adds the flags of what a plan depends on, which check
// shares: the document, the operations and probes, the keys, the
// configuration and the concurrent rounds (the estimate counts them).
func addPlanFlags(f *pflag.FlagSet, o *check.Options) {
	f.StringVar(&o.Spec, "spec", "", "OpenAPI document: a file or an http(s) URL (required)")
	f.StringArrayVar(&o.AllowRefDirs, "allow-ref-dir", nil, "folder outside the document's own from which its $refs may read files (repeatable)")
	f.StringSliceVar(&o.Operations, "operations", nil, "operations to check: operationIds or 'METHOD /path', comma-separated (default all mutating)")
	f.StringSliceVar(&o.Probes, "probes", nil, "probe ids to run, comma-separated (default all)")
	f.StringVar(&o.KeyHeader, "key-header", "", "send the idempotency key in this header (overrides detection)")
	f.StringVar(&o.KeyField, "key-field", "", "send the idempotency key in this body field (overrides detection)")
	f.StringVar(&o.KeyFormat, "key-format", "", "shape of the key values where the document declares none: uuid, ulid, hex")
	f.StringVar(&o.Config, "config", "", "configuration file (idemcheck.yaml): request bodies, path parameters, keys and side-effect observers per operation")
	f.IntVar(&o.Concurrency, "concurrency", probes.DefaultConcurrency, "copies released at once by the concurrent probe")
	f.IntVar(&o.Rounds, "rounds", probes.DefaultRounds, "rounds of the concurrent probe, each with a fresh key")
	f.StringVar(&o.RaceBudget, "race-budget", probes.DefaultRaceBudget().String(), "rounds of the concurrent probe per operation, measured and quick together, or a duration they may take (e.g. 2s); "+probes.RaceBudgetOdds())
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	c, err := check.NewPlanner(opts.Options)
	if err != nil {
		return err
	}
	plan, err := c.LoadPlan(ctx)
	if err != nil {
		return err
	}
	p := report.Plan{Doc: plan.Doc, Operations: plan.Operations, Cost: c.Cost(plan)}
	if opts.JSON {
		return report.WritePlanJSON(opts.Stdout, p)
	}
	report.WriteWarnings(opts.Stderr, plan.Doc.Warnings)
	return report.WritePlan(opts.Stdout, p)
}
