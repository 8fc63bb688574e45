package openapi

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestAltParamsRealSpecs plans every real-world document twice — as it is,
// and with --key-header Idempotency-Key for the documents that declare no
// key (as a user of Stripe's document does) — and checks that
// mismatch-params never varies the key, a credential or an account: those
// are never a request's meaning under one principal. It prints how many
// operations get a mismatch-params plan and which parameters it varies.
// Run: go test -run TestAltParamsRealSpecs -v ./openapi/
func TestAltParamsRealSpecs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads every real-world document")
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
	fmt.Fprintln(w, "document\tkey\tmutating\tkeyed\twith a plan\tvaried parameters (operations)\tleft out (operations)")
	for _, p := range realSpecs(t) {
		_, ops := planSpec(t, p)
		checkAltParams(t, p, ops)
		fmt.Fprintln(w, altParamsRow(filepath.Base(p), "detected", ops))

		ops, _, err := planLoadedSpec(p, PlanOptions{KeyHeader: "Idempotency-Key"}) // specs_cache_test.go
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		checkAltParams(t, p, ops)
		fmt.Fprintln(w, altParamsRow(filepath.Base(p), "--key-header", ops))
	}
	w.Flush()
	t.Log("\n" + b.String())
}

// checkAltParams fails on a varied parameter that is the key, a
// credential or an account, or that has no value to send.
func checkAltParams(t *testing.T, doc string, ops []Operation) {
	t.Helper()
	for _, o := range ops {
		for _, a := range VariedParams(o.AltParams) {
			ws := nameWords(a.Name)
			switch {
			case o.Key.In == KeyHeader && a.In == "header" && strings.EqualFold(a.Name, o.Key.Name):
				t.Errorf("%s %s: varies the key %s", doc, o.ID, a.Name)
			case anyWord(ws, credWords) || anyWord(ws, accountWords) || strings.EqualFold(a.Name, "cookie"):
				t.Errorf("%s %s: varies %s %s, a credential or an account", doc, o.ID, a.In, a.Name)
			case len(a.To) == 0 || len(a.To) > maxParamValues:
				t.Errorf("%s %s: %s has %d values", doc, o.ID, a.Name, len(a.To))
			}
		}
		if n := len(VariedParams(o.AltParams)); n > maxVariedParams {
			t.Errorf("%s %s: %d parameters varied, more than %d", doc, o.ID, n, maxVariedParams)
		}
	}
}

// altParamsRow is one line of the table: counts and the parameters.
func altParamsRow(doc, key string, ops []Operation) string {
	keyed, planned := 0, 0
	varied, left := map[string]int{}, map[string]int{}
	for _, o := range ops {
		if o.Key.In != KeyNone {
			keyed++
		}
		if len(VariedParams(o.AltParams)) > 0 {
			planned++
		}
		for _, a := range o.AltParams {
			if a.Skip == "" {
				varied[fmt.Sprintf("%s %s: %s → %s", a.In, a.Name, a.FromLabel(), strings.Join(a.To, "|"))]++
			} else {
				left[a.In+" "+a.Name]++
			}
		}
	}
	return fmt.Sprintf("%s\t%s\t%d\t%d\t%d\t%s\t%s", doc, key, len(ops), keyed, planned, counted(varied), counted(left))
}

func counted(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s (%d)", k, m[k])
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}
