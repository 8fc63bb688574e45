package cmd

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/report"
)

// MergeOptions are the inputs of `idemcheck merge`.
type MergeOptions struct {
	Shards   []string // the shards' JSON reports
	Baseline string   // --baseline: applied to the merged run
	RunOutputs
}

// NewCmdMerge builds `idemcheck merge`. runF replaces mergeRun in tests.
func NewCmdMerge(stdout, stderr io.Writer, runF func(context.Context, *MergeOptions) error) *cobra.Command {
	opts := &MergeOptions{RunOutputs: RunOutputs{Terminal: report.Terminal{Stdout: stdout, Stderr: stderr}}}
	c := &cobra.Command{
		Use:   "merge shard1.json shard2.json ... [--junit FILE] [--html FILE] [--sarif FILE]",
		Short: "Combine the JSON reports of the shards of one run (check --shard k/n) into one report and one exit code",
		Long: `merge reads the JSON reports of the shards of one check (each CI job ran
check --shard k/n --json FILE), writes the reports of the whole run, and exits
as the whole run would: 0 nothing failed at or above --fail-on, 1 findings at
or above it, 2 bad input or a target that could not be tested. The shards must
share the spec, --fail-on and baseline, and must not overlap.

On GitHub Actions it also annotates every finding and appends the Markdown
report to the step summary, like check.`,
		Example: `  idemcheck merge shard-1.json shard-2.json --junit idemcheck.xml --sarif idemcheck.sarif --html idemcheck.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s needs the shards' JSON reports as arguments", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Shards = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return mergeRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Baseline, "baseline", "", "apply this baseline of accepted findings to the merged run (see idemcheck baseline)")
	addRunOutputFlags(f, &opts.RunOutputs)
	return c
}

// mergeRun reads the shards, merges them, writes the reports and returns
// the outcome of the whole run.
func mergeRun(_ context.Context, opts *MergeOptions) error {
	if err := opts.Reports.Check(); err != nil {
		return err
	}
	run, err := report.MergeFiles(opts.Shards, opts.Baseline)
	if err != nil {
		return err
	}
	return finishRun(run, opts.RunOutputs)
}
