package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestPlanMarksChains (issue 23): plan marks a chain whose pointer the
// producer's response schema does not have, and the chains through a PUT
// that creates its resource under a fresh id, in the text and in --json.
// Golden files: cmd/testdata/plan-chains.{txt,json}; go test ./cmd -run
// TestPlanMarksChains -update rewrites them.
func TestPlanMarksChains(t *testing.T) {
	spec := filepath.Join("testdata", "plan-chains.yaml")
	code, stdout, stderr := runCLI(t, "plan", "--spec", spec)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, filepath.Join("testdata", "plan-chains.txt"), []byte(stdout))

	_, stdout, _ = runCLI(t, "plan", "--spec", spec, "--json")
	var plan struct {
		Operations []struct {
			ID    string          `json:"id"`
			Chain json.RawMessage `json:"chain"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatal(err)
	}
	chains, err := json.MarshalIndent(plan.Operations, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "plan-chains.json"), append(chains, '\n'))
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *updateDocs {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}
