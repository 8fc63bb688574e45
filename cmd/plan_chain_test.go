package cmd

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlanShowsChains: plan (text and --json) shows where a chained path
// parameter comes from (issue 16).
func TestPlanShowsChains(t *testing.T) {
	code, stdout, stderr := runCLI(t, "plan", "--spec", specFile(t))
	if code != ExitOK || !strings.Contains(stdout, "createRefund: {id} ← createPayment /id\n") {
		t.Errorf("exit %d, plan lacks the chain of createRefund:\n%s%s", code, stdout, stderr)
	}
	_, stdout, _ = runCLI(t, "plan", "--spec", specFile(t), "--json")
	var plan struct {
		Operations []struct {
			ID    string `json:"id"`
			Chain []struct {
				Param, From, Pointer string
			} `json:"chain"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Operations {
		if o.ID == "createRefund" {
			if len(o.Chain) != 1 || o.Chain[0].Param != "id" || o.Chain[0].From != "createPayment" || o.Chain[0].Pointer != "/id" {
				t.Errorf("createRefund chain = %+v", o.Chain)
			}
			return
		}
	}
	t.Error("no createRefund in the plan")
}
