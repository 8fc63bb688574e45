package payments

import (
	"fmt"
	"strings"
	"testing"
)

// TestRefundsWithinAmount: with the option, refunds use up their payment:
// four refunds of 500 fit a payment of 2000, the fifth is refused with
// 400 refund_exceeds_payment and refunds nothing, also when retried with
// its key; without it, refunds are unbounded (the other variants'
// behaviour).
func TestRefundsWithinAmount(t *testing.T) {
	for _, limited := range []bool{true, false} {
		t.Run(fmt.Sprint("limited=", limited), func(t *testing.T) {
			a := start(t, Options{RefundsWithinAmount: limited})
			var p Payment
			decode(t, a.do("POST", "/v1/payments", body1, key, "pay").body, &p)
			path := "/v1/payments/" + p.ID + "/refunds"
			for i := range 4 {
				if r := a.do("POST", path, `{"amount":500}`, key, fmt.Sprint("r", i)); r.status != 201 {
					t.Fatalf("refund %d: %d %s", i+1, r.status, r.body)
				}
			}
			fifth := a.do("POST", path, `{"amount":500}`, key, "r4")
			retry := a.do("POST", path, `{"amount":500}`, key, "r4")
			var list struct{ Data []Refund }
			decode(t, a.do("GET", path, "").body, &list)
			if !limited {
				if fifth.status != 201 || len(list.Data) != 5 {
					t.Fatalf("unlimited: fifth %d, %d refunds", fifth.status, len(list.Data))
				}
				return
			}
			for _, r := range []reply{fifth, retry} {
				if r.status != 400 || !strings.Contains(r.body, "refund_exceeds_payment") {
					t.Errorf("beyond the amount: %d %s; want 400 refund_exceeds_payment", r.status, r.body)
				}
			}
			if len(list.Data) != 4 {
				t.Errorf("%d refunds, want 4", len(list.Data))
			}
		})
	}
}
