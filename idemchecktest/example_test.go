package idemchecktest_test

import (
	"testing"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/idemchecktest"
)

// A test of the package that builds the handler: each operation and probe
// becomes a subtest, and a finding fails it with its evidence. (Shown, not
// run: an example has no *testing.T; TestCorrectHandlerPasses runs it.)
func ExampleRun() {
	_ = func(t *testing.T) {
		opts := check.DefaultOptions()
		opts.Profile = "stripe"                               // the provider the API follows
		opts.Headers = []string{"Authorization: Bearer test"} // what the handler authenticates
		idemchecktest.Run(t, payments.New(payments.Options{}), "openapi.yaml", &opts)
	}
}
