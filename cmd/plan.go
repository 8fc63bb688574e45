package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
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
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return planRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	o := &opts.Options
	f.StringVar(&o.Spec, "spec", "", "OpenAPI document: a file or an http(s) URL (required)")
	f.StringArrayVar(&o.AllowRefDirs, "allow-ref-dir", nil, "folder outside the document's own from which its $refs may read files (repeatable)")
	f.StringSliceVar(&o.Operations, "operations", nil, "operations to plan: operationIds or 'METHOD /path', comma-separated")
	f.StringVar(&o.KeyHeader, "key-header", "", "the idempotency key's header (overrides detection)")
	f.StringVar(&o.KeyField, "key-field", "", "the idempotency key's body field (overrides detection)")
	f.StringVar(&o.KeyFormat, "key-format", "", "shape of the key values where the document declares none: uuid, ulid, hex")
	f.StringVar(&o.Config, "config", "", "configuration file (idemcheck.yaml): request bodies, path parameters and keys per operation")
	f.StringSliceVar(&o.Probes, "probes", nil, "probe ids check would run, comma-separated (default all): what the estimate counts")
	f.IntVar(&o.Concurrency, "concurrency", probes.DefaultConcurrency, "copies released at once by the concurrent probe (for the estimate)")
	f.IntVar(&o.Rounds, "rounds", probes.DefaultRounds, "rounds of the concurrent probe (for the estimate)")
	f.BoolVar(&opts.JSON, "json", false, "print the plan as JSON")
	return c
}

// planJSON is the machine-readable plan.
type planJSON struct {
	SchemaVersion int                 `json:"schema_version"`
	Spec          string              `json:"spec"`
	Version       string              `json:"openapi_version"`
	Warnings      []string            `json:"warnings"`
	Operations    []openapi.Operation `json:"operations"`
	// Cost is what a check with the same options is expected to send and
	// create (cost.go).
	Cost costJSON `json:"cost"`
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	c, err := check.NewPlanner(opts.Options)
	if err != nil {
		return err
	}
	doc, err := c.Load(ctx)
	if err != nil {
		return err
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		return err
	}
	cost := c.Cost(plan)
	if opts.JSON {
		enc := json.NewEncoder(opts.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(planJSON{SchemaVersion: 1, Spec: doc.Source, Version: doc.Version, Warnings: nonNil(doc.Warnings), Operations: plan.Operations, Cost: costOf(cost)})
	}
	printWarnings(opts.Stderr, doc.Warnings)
	if err := writePlanTable(opts.Stdout, doc, plan.Operations, cost); err != nil {
		return err
	}
	return writeCostTotal(opts.Stdout, cost)
}

// writePlanTable prints one line per operation and a summary.
func writePlanTable(w io.Writer, doc *openapi.Document, ops []openapi.Operation, cost probes.RunCost) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tID\tKEY\tREQUEST\tSENDS\tCREATES")
	keyed, valid := 0, 0
	sends := costByOperation(cost)
	for _, op := range ops {
		req := "valid"
		if op.Skip != "" {
			req = "skip: " + op.Skip
		} else {
			valid++
		}
		if op.Key.In != openapi.KeyNone {
			keyed++
		}
		c := sends[op.Name()]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", op.Name(), op.ID, op.Key, req, c.Requests, c.Creates)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, op := range ops {
		for _, l := range op.Chain { // chained path parameters: "createRefund: {id} ← createPayment /id"
			fmt.Fprintf(w, "%s: %s\n", op.ID, l)
		}
		for _, u := range op.Unresolved { // what nothing makes: "deletePin: {id}: nothing in the document creates it; …"
			if u.Value != "" { // a fresh one's chain line says it
				fmt.Fprintf(w, "%s: %s\n", op.ID, u)
			}
		}
		if f := op.Key.Format.String(); f != "" {
			fmt.Fprintf(w, "%s: key %s\n", op.ID, f)
		}
		for _, a := range openapi.VariedParams(op.AltParams) { // "createPayment: mismatch-params varies query capture: omitted (default true) → false"
			fmt.Fprintf(w, "%s: mismatch-params varies %s\n", op.ID, a)
		}
		if r := op.Removal; r != nil && creates(cost, op) { // "createPayment: removed by DELETE /v1/payments/{id}, {id} ← /id"
			fmt.Fprintf(w, "%s: %s\n", op.ID, removalLine(r))
		}
	}
	writeObservations(w, ops) // plan_observers.go
	_, err := fmt.Fprintf(w, "\n%s (OpenAPI %s): %d mutating operations, %d with an idempotency key, %d requests proven valid\n",
		doc.Source, doc.Version, len(ops), keyed, valid)
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
