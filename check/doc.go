// Package check is idemcheck's engine: it turns options into a checked
// API. The command line, the demo (examples/demo) and the go test
// integration (idemchecktest) all run through it, so they validate, plan
// and judge the same way. It imports none of the example APIs.
//
// In order (Example is the whole program, runnable: go test -run Example):
//
//	c, err := check.New(check.Options{Spec: "openapi.yaml", BaseURL: "http://127.0.0.1:8080"})
//	doc, err := c.Load(ctx)          // the document, with its warnings
//	plan, err := c.Plan(ctx, doc)    // what would be sent: nothing is sent yet
//	run, err := c.Run(ctx, plan)     // the probes, against BaseURL only
//	defer run.Close()                // its evidence, kept in a temporary file
//	outcome := run.Outcome()         // passed, findings or untestable
//
// A zero field of Options means its default (DefaultOptions). New
// validates every option before anything is read or sent; its errors are
// *UsageError, naming the field at fault (Options.Concurrency). Run sends
// mutating, possibly money-moving requests to Options.BaseURL and to
// nothing else: never to a servers entry of the document. Every request
// carries a fresh idempotency key, and the header values of
// Options.Headers and Options.OtherHeaders are redacted from every report.
package check
