package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// TestEveryProbeOnANestedRefundThatUsesUpItsPayment: each refund takes the
// whole payment (2000), so a payment takes one refund. Every probe that
// has the server process the refund more than once with fresh keys gives
// each such step parents of its own, and the others never need a second
// one: on the correct server nothing fails and nothing errors.
func TestEveryProbeOnANestedRefundThatUsesUpItsPayment(t *testing.T) {
	for _, inFlight := range []payments.InFlight{payments.InFlightConflict, payments.InFlightWait} {
		t.Run(fmt.Sprintf("in-flight=%q", inFlight), func(t *testing.T) {
			srv := httptestServe(t, payments.Options{RefundsWithinAmount: true, InFlight: inFlight})
			op := plannedOp(t, "createRefund")
			op.Request.Body = &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 2000}}
			env := Config{BaseURL: srv, Header: http.Header{"Authorization": {"Bearer a-" + t.Name()}}, Timeout: 5 * time.Second,
				OtherHeader: http.Header{"Authorization": {"Bearer b-" + t.Name()}}}
			env.Planned = DefaultTargets([]openapi.Operation{plannedOp(t, "createPayment"), op})
			for _, r := range Run(context.Background(), []openapi.Operation{op}, All(), env) {
				if r.Verdict == Fail || r.Verdict == Error {
					t.Errorf("%s: %s: %s\n%s", r.Probe, r.Verdict, r.Reason, strings.Join(r.Diffs, "\n"))
				}
			}
		})
	}
}
