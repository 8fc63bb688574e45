package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realChains plans the real-world document name (in specsDir) and returns
// each operation's chains as plan prints them, or skips when it is absent.
func realChains(t *testing.T, name string) map[string][]string {
	t.Helper()
	realSpecs(t) // skips without the folder
	p := filepath.Join(specsDir(), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available: %v", name, err)
	}
	st, ops := planSpec(t, p)
	if st.err != "" {
		t.Fatalf("plan %s: %s", name, st.err)
	}
	out := map[string][]string{}
	for _, o := range ops {
		for _, l := range o.Chain {
			out[o.ID] = append(out[o.ID], l.String())
		}
	}
	return out
}

// wantChains checks that each operation has the chain named.
func wantChains(t *testing.T, got map[string][]string, want map[string]string) {
	t.Helper()
	for op, chain := range want {
		found := false
		for _, c := range got[op] {
			found = found || c == chain
		}
		if !found {
			t.Errorf("%s: chains %q, want %q", op, got[op], chain)
		}
	}
}

// TestAdyenModificationChainsThroughPspReference (issue 23): Adyen's
// payment response has no id; it names the payment pspReference.
func TestAdyenModificationChainsThroughPspReference(t *testing.T) {
	got := realChains(t, "adyen-CheckoutService-v72.json")
	want := map[string]string{}
	for _, m := range []string{"amountUpdates", "cancels", "captures", "refunds", "reversals"} {
		want["post-payments-paymentPspReference-"+m] = "{paymentPspReference} ← post-payments /pspReference"
	}
	want["patch-paymentLinks-linkId"] = "{linkId} ← post-paymentLinks /id"
	wantChains(t, got, want)
}

// TestTwilioSubResourcesChainThroughSid (issue 23): Twilio names what it
// created sid; every chain whose producer's schema has it reads it there.
func TestTwilioSubResourcesChainThroughSid(t *testing.T) {
	got := realChains(t, "twilio-twilio_api_v2010.json")
	wantChains(t, got, map[string]string{
		"DeleteAddress":     "{Sid} ← CreateAddress /sid",
		"UpdateAddress":     "{Sid} ← CreateAddress /sid",
		"UpdateCall":        "{Sid} ← CreateCall /sid",
		"DeleteQueue":       "{Sid} ← CreateQueue /sid",
		"UpdateParticipant": "{CallSid} ← CreateParticipant /call_sid",
	})
	for op, chains := range got {
		for _, c := range chains {
			if strings.Contains(c, " /id") && !strings.Contains(c, "not in") {
				t.Errorf("%s: %s reads /id from a Twilio response, unmarked", op, c)
			}
		}
	}
}

// TestCashfreeCustomerIDIsNotCustomerUID: the {customer_id} of Cashfree's
// /customers/{customer_id}/instruments is "Your Customer ID that you had
// sent during create order", and the document writes customer_id and
// customer_uid side by side in its customer details: customer_uid, which
// POST /customers answers, is Cashfree's id for the customer, another
// value. So the chain reads no field of that response for it (the plan
// marks /id as not there; the experiment is skipped when the answer has
// none), and the instrument, which nothing creates, is fresh for each
// DELETE.
func TestCashfreeCustomerIDIsNotCustomerUID(t *testing.T) {
	got := realChains(t, "cashfree-openapi.yaml")
	wantChains(t, got, map[string]string{
		"PGCustomerDeleteInstrument": "{instrument_id} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)",
		"PGTerminateOrder":           "{order_id} ← PGCreateOrder /order_id",
	})
	for _, c := range got["PGCustomerDeleteInstrument"] {
		if strings.Contains(c, "customer_uid") {
			t.Errorf("PGCustomerDeleteInstrument: %s", c)
		}
	}
}

// TestChainsOfOtherRealDocuments: Stripe's objects name themselves id,
// even beside a sub-object with an account field; Square and DigitalOcean
// wrap what they created in an envelope; PayPal and Box answer id.
func TestChainsOfOtherRealDocuments(t *testing.T) {
	tests := []struct {
		file string
		want map[string]string
	}{
		{"stripe-spec3.yaml", map[string]string{
			"PostCustomersCustomer":           "{customer} ← PostCustomers /id",
			"PostAccountsAccount":             "{account} ← PostAccounts /id",
			"PostPromotionCodesPromotionCode": "{promotion_code} ← PostPromotionCodes /id",
		}},
		{"square-api.json", map[string]string{
			"UpdateCustomer": "{customer_id} ← CreateCustomer /customer/id",
			"DeleteCustomerCustomAttributeDefinition": "{key} ← CreateCustomerCustomAttributeDefinition /custom_attribute_definition/key",
		}},
		{filepath.Join("digitalocean-DigitalOcean-public.v2", "DigitalOcean-public.v2.yaml"), map[string]string{
			"droplets_destroy":      "{droplet_id} ← droplets_create /droplet/id",
			"domains_delete":        "{domain_name} ← domains_create /domain/name",
			"databases_delete_user": "{username} ← databases_add_user /user/name",
		}},
		{"paypal-checkout_orders_v2.json", map[string]string{
			"orders.patch": "{id} ← orders.create /id",
		}},
		{"box-openapi.json", map[string]string{
			"put_folders_id": "{folder_id} ← post_folders /id",
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			wantChains(t, realChains(t, tt.file), tt.want)
		})
	}
}

// TestStripeParentsNamedOtherwise: Stripe names an application fee {id} in
// POST /v1/application_fees/{id}/refunds and {fee} in
// /v1/application_fees/{fee}/refunds/{id} (a transfer likewise): one
// collection, matched by its shape, the producer's {id} being the fee.
// Before, nothing chained the refund and the probes went to
// /v1/application_fees/idemcheck/refunds/idemcheck.
func TestStripeParentsNamedOtherwise(t *testing.T) {
	wantChains(t, realChains(t, "stripe-spec3.yaml"), map[string]string{
		"PostApplicationFeesFeeRefundsId":  "{id} ← PostApplicationFeesIdRefunds /id (under this {fee}, its {id})",
		"PostTransfersTransferReversalsId": "{id} ← PostTransfersIdReversals /id (under this {transfer}, its {id})",
	})
}

// TestTwilioAccountChainsThroughAccountsJSON: every Twilio path carries
// .json on its last segment, and so does the collection of accounts: the
// {AccountSid} of every sub-resource is created by POST
// /2010-04-01/Accounts.json and read from its sid. Before, nothing
// chained it and every experiment went to the example account ACaaaa….
func TestTwilioAccountChainsThroughAccountsJSON(t *testing.T) {
	got := realChains(t, "twilio-twilio_api_v2010.json")
	wantChains(t, got, map[string]string{
		"CreateAddress":  "{AccountSid} ← CreateAccount /sid",
		"DeleteAddress":  "{AccountSid} ← CreateAccount /sid",
		"CreatePayments": "{AccountSid} ← CreateAccount /sid",
	})
	for op, chains := range got {
		if op == "CreateAccount" || op == "UpdateAccount" {
			continue
		}
		found := false
		for _, c := range chains {
			found = found || strings.HasPrefix(c, "{AccountSid} ← CreateAccount /sid")
		}
		if !found && strings.Contains(strings.Join(chains, " "), "{AccountSid}") {
			t.Errorf("%s: {AccountSid} chained otherwise: %q", op, chains)
		}
	}
}

// TestDigitalOceanIDsByExampleAndStem: DigitalOcean's {namespace_id} shows
// fn-xxxx…, the example of the namespace's namespace field (its uuid is
// another id); {reserved_ipv6} shows the reserved IPv6's ip; a logsink's
// {logsink_id} is the sink's sink_id. Before, they were read from
// /namespace/uuid and from an /id no response has.
func TestDigitalOceanIDsByExampleAndStem(t *testing.T) {
	wantChains(t, realChains(t, filepath.Join("digitalocean-DigitalOcean-public.v2", "DigitalOcean-public.v2.yaml")), map[string]string{
		"functionsAccessKey_create": "{namespace_id} ← functions_create_namespace /namespace/namespace",
		"functions_delete_trigger":  "{namespace_id} ← functions_create_namespace /namespace/namespace",
		"reservedIPv6_delete":       "{reserved_ipv6} ← reservedIPv6_create /reserved_ipv6/ip",
		"databases_delete_logsink":  "{logsink_id} ← databases_create_logsink /sink/sink_id",
	})
}

// TestBoxDeletesOfUnmadeResourcesAreFresh: nothing in Box's document
// creates a device pin or a metadata template's schema under a key, so
// each experiment on their DELETEs takes an id of its own: the first to
// delete the example no longer leaves a 404 for every later one (about
// 120 errors of an earlier sweep came from it).
func TestBoxDeletesOfUnmadeResourcesAreFresh(t *testing.T) {
	wantChains(t, realChains(t, "box-openapi.json"), map[string]string{
		"delete_device_pinners_id":               "{device_pinner_id} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)",
		"delete_metadata_templates_id_id_schema": "{template_key} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)",
	})
}
