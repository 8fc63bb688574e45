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

// TestCashfreeCustomerChainsThroughItsIDField (issue 23): Cashfree's
// customer answers customer_uid for the {customer_id} of its instruments.
func TestCashfreeCustomerChainsThroughItsIDField(t *testing.T) {
	got := realChains(t, "cashfree-openapi.yaml")
	wantChains(t, got, map[string]string{
		"PGCustomerDeleteInstrument": "{customer_id} ← PGCreateCustomer /customer_uid",
		"PGTerminateOrder":           "{order_id} ← PGCreateOrder /order_id",
	})
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
