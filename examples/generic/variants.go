package generic

import (
	_ "embed"
	"net/http"
)

// The example variants of issue 23: each a correct API, served from a small
// document of its own, that idemcheck must pass.

//go:embed specs/put-customers.yaml
var putCustomersSpec []byte

//go:embed specs/refund-quota.yaml
var refundQuotaSpec []byte

//go:embed specs/rerendered-list.yaml
var rerenderedListSpec []byte

//go:embed specs/webhook-form.yaml
var webhookFormSpec []byte

// RefundQuota is how many refunds one payment of the refund-quota variant
// takes: more than a default check's rounds ask of one parent, fewer than
// --rounds 20 on one parent.
const RefundQuota = 10

// Variant is an example API of this package.
type Variant struct {
	Name, Description string
	Spec              []byte
	Options           Options
}

// Handler returns a fresh server of the variant, empty state.
func (v Variant) Handler() http.Handler { return MustNew(v.Spec, v.Options) }

// Variants are the correct example APIs served by the generic server.
func Variants() []Variant {
	return []Variant{{
		Name:        "generic-put-customers",
		Description: "customers created by PUT with a client-chosen id, changed by a PATCH that needs them to exist",
		Spec:        putCustomersSpec,
	}, {
		Name:        "generic-refund-quota",
		Description: "payments that take at most 10 refunds each: the next is a stored 400 \"refund exceeds payment\"",
		Spec:        refundQuotaSpec,
		Options: Options{Quotas: map[string]Quota{
			"POST /v1/payments/{id}/refunds": {Max: RefundQuota, Message: "refund exceeds payment"},
		}},
	}, {
		Name:        "generic-rerendered-list",
		Description: "orders whose list answers fresh ids and timestamps on every read, so it cannot count what was created",
		Spec:        rerenderedListSpec,
		Options:     Options{RerenderLists: true},
	}, {
		Name:        "generic-webhook-form",
		Description: "webhook endpoints created from a form body whose only fields are an enum list and a URL (Stripe's shape)",
		Spec:        webhookFormSpec,
	}}
}
