package check_test

import (
	"context"
	"fmt"
	"log"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples"
)

// Example checks the bundled payments API, served on loopback, for one
// experiment: the same payment retried with the same key.
func Example() {
	srv, err := examples.Start(examples.Variants()[0]) // the correct payments API
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	opts := check.DefaultOptions()
	opts.Spec = "../examples/payments/openapi.yaml"
	opts.BaseURL = srv.URL
	opts.Operations = []string{"createPayment"}
	opts.Probes = []string{"replay", "missing-key"}
	c, err := check.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	doc, err := c.Load(ctx)
	if err != nil {
		log.Fatal(err)
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		log.Fatal(err)
	}
	run, err := c.Run(ctx, plan)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range run.Results {
		fmt.Println(r.Operation.ID, r.Probe, r.Verdict)
	}
	fmt.Println("outcome:", run.Outcome().Status)
	// Output:
	// createPayment replay pass
	// createPayment missing-key pass
	// outcome: passed
}
