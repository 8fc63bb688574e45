package examples

import (
	"fmt"
	"strings"
)

func init() { miniProbes["mismatch-params"] = mismatchParamsProbe }

// mismatchParamsProbe reuses a key with ?capture=false after the same
// payment without it: the stored (captured) payment is a false replay, a
// refusal must be 422, 400 or 409, and processing it on its own is correct.
func mismatchParamsProbe(base string) (string, error) {
	c, k := newClient(base), freshKey()
	if r, err := c.do("POST", "/v1/payments?capture=false", freshKey(), payment); err != nil || r.status != 201 || !strings.Contains(r.body, `"captured":false`) {
		return "", fmt.Errorf("control: capture=false not honoured: %d %q %v", r.status, r.body, err)
	}
	first, err := c.do("POST", "/v1/payments", k, payment)
	if err != nil {
		return "", err
	}
	r, err := c.do("POST", "/v1/payments?capture=false", k, payment)
	switch {
	case r.status == 201 && (r.body == first.body || r.replayed):
		return "capture=false under a used key got the stored payment", err
	case r.status >= 500:
		return fmt.Sprintf("reused key with another query answered %d", r.status), err
	case r.status >= 400 && r.status != 422 && r.status != 400 && r.status != 409:
		return fmt.Sprintf("reused key with another query refused with %d", r.status), err
	}
	return "", err
}
