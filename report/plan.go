package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// Plan is what `idemcheck plan` shows: the planned operations of a
// document and what a check of them is expected to cost the server.
type Plan struct {
	Doc        *openapi.Document
	Operations []openapi.Operation
	Cost       probes.RunCost
}

// planJSON is the machine-readable plan (plan --json).
type planJSON struct {
	SchemaVersion int                 `json:"schema_version"`
	Spec          string              `json:"spec"`
	Version       string              `json:"openapi_version"`
	Warnings      []string            `json:"warnings"`
	Operations    []openapi.Operation `json:"operations"`
	// Cost is what a check with the same options is expected to send and
	// create (plan_cost.go).
	Cost costJSON `json:"cost"`
}

// WritePlanJSON writes the plan as JSON.
func WritePlanJSON(w io.Writer, p Plan) error {
	warnings := p.Doc.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(planJSON{SchemaVersion: 1, Spec: p.Doc.Source, Version: p.Doc.Version, Warnings: warnings, Operations: p.Operations, Cost: costOf(p.Cost)})
}

// WritePlan writes the plan for a person: one line per operation, what
// each chains, keys, varies, removes and observes, a summary, and what a
// default check costs the server.
func WritePlan(w io.Writer, p Plan) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tID\tKEY\tREQUEST\tSENDS\tCREATES")
	keyed, valid := 0, 0
	sends := costByOperation(p.Cost)
	for _, op := range p.Operations {
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
	for _, op := range p.Operations {
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
		if r := op.Removal; r != nil && sends[op.Name()].Creates > 0 { // "createPayment: removed by DELETE /v1/payments/{id}, {id} ← /id"
			fmt.Fprintf(w, "%s: %s\n", op.ID, removalLine(r))
		}
	}
	writeObservations(w, p.Operations) // plan_observers.go
	if _, err := fmt.Fprintf(w, "\n%s (OpenAPI %s): %d mutating operations, %d with an idempotency key, %d requests proven valid\n",
		p.Doc.Source, p.Doc.Version, len(p.Operations), keyed, valid); err != nil {
		return err
	}
	return writeCostTotal(w, p.Cost)
}

// maxWarnings bounds the load warnings printed; the rest are counted.
const maxWarnings = 10

// WriteWarnings prints the first warnings of loading a document.
func WriteWarnings(w io.Writer, warnings []string) {
	for i, msg := range warnings {
		if i == maxWarnings {
			fmt.Fprintf(w, "warning: … and %d more\n", len(warnings)-maxWarnings)
			return
		}
		fmt.Fprintf(w, "warning: %s\n", msg)
	}
}
