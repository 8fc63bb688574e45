package payments_test

import (
	"testing"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/idemchecktest"
)

// TestIdempotencyInProcess checks the payments handler the way a Go team
// checks its own: in go test, against the handler, with no server to
// start. Every probe is a subtest (go test -run 'InProcess/createPayment/replay').
func TestIdempotencyInProcess(t *testing.T) {
	opts := check.DefaultOptions()
	opts.FailOn = "info" // the correct handler has no finding at all
	opts.OtherHeaders = []string{"Authorization: Bearer principal-b"}
	idemchecktest.Run(t, payments.New(payments.Options{}), "openapi.yaml", &opts)
}
