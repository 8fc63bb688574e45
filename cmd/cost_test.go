package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
)

// examplePaymentsFiles writes the payments example's document and
// configuration to a temporary folder.
func examplePaymentsFiles(t *testing.T) (spec, config string) {
	t.Helper()
	dir := t.TempDir()
	spec, config = filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "idemcheck.yaml")
	if err := os.WriteFile(spec, payments.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, payments.Config, 0o644); err != nil {
		t.Fatal(err)
	}
	return spec, config
}

// TestPlanShowsTheCost (issue 27): plan prints, per operation and in
// total, how many requests a check with the same options sends and how
// many resources it leaves, and how each create is removed (golden
// cmd/testdata/plan-cost.txt; -update rewrites it). --json has the same
// numbers per operation and probe; fewer probes, rounds or a smaller race
// budget cost less.
func TestPlanShowsTheCost(t *testing.T) {
	spec, config := examplePaymentsFiles(t)
	code, stdout, stderr := runCLI(t, "plan", "--spec", spec, "--config", config)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, filepath.Join("testdata", "plan-cost.txt"), []byte(strings.ReplaceAll(stdout, spec, "openapi.yaml")))

	total := func(args ...string) (text int, plan struct {
		Cost struct {
			Note  string
			Total struct{ Requests, Conditional, Creates int }
			Setup struct{ Requests int }
			Ops   []struct {
				ID       string
				Requests int
				Probes   []struct {
					Probe    string
					Requests int
				}
			} `json:"operations"`
		}
	}) {
		t.Helper()
		_, out, errOut := runCLI(t, append([]string{"plan", "--spec", spec, "--config", config}, args...)...)
		m := regexp.MustCompile(`a check sends about (\d+) requests`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("plan %v prints no total:\n%s%s", args, out, errOut)
		}
		_, js, _ := runCLI(t, append([]string{"plan", "--spec", spec, "--config", config, "--json"}, args...)...)
		if err := json.Unmarshal([]byte(js), &plan); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range m[1] {
			n = n*10 + int(c-'0')
		}
		return n, plan
	}
	n, plan := total()
	sum := plan.Cost.Setup.Requests
	for _, op := range plan.Cost.Ops {
		probeSum := 0
		for _, p := range op.Probes {
			probeSum += p.Requests
		}
		if probeSum != op.Requests {
			t.Errorf("%s: %d requests, its probes' add up to %d", op.ID, op.Requests, probeSum)
		}
		sum += op.Requests
	}
	if n != plan.Cost.Total.Requests || sum != n || plan.Cost.Note == "" || plan.Cost.Total.Conditional == 0 || plan.Cost.Total.Creates == 0 {
		t.Errorf("text total %d, JSON %+v (operations and setup add up to %d)", n, plan.Cost, sum)
	}
	if fewer, _ := total("--rounds", "1"); fewer >= n {
		t.Errorf("--rounds 1: %d requests, not fewer than %d", fewer, n)
	}
	if replay, _ := total("--probes", "replay"); replay >= n/10 {
		t.Errorf("--probes replay: %d requests of %d", replay, n)
	}
	if small, p := total("--race-budget", "10"); small >= n || p.Cost.Total.Conditional >= plan.Cost.Total.Conditional {
		t.Errorf("--race-budget 10: %d requests (%d conditional), not fewer than %d (%d)", small, p.Cost.Total.Conditional, n, plan.Cost.Total.Conditional)
	}
	if code, _, stderr := runCLI(t, "plan", "--spec", spec, "--race-budget", "0"); code != ExitError || !strings.Contains(stderr, "--race-budget") {
		t.Errorf("--race-budget 0: exit %d, %s", code, stderr)
	}
}

// TestCheckCleanup (issue 27): check --cleanup says what it removed and
// what it could not, in the terminal and in the JSON report's cleanup
// section; without it, the terminal says how many resources the run left.
func TestCheckCleanup(t *testing.T) {
	v, _ := examples.Lookup("payments")
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	spec, config := examplePaymentsFiles(t)
	out := filepath.Join(t.TempDir(), "report.json")
	args := []string{"check", "--spec", spec, "--config", config, "--base-url", srv.URL, "--probes", "replay,natural-put,natural-delete"}

	code, stdout, stderr := runCLI(t, append(args, "--cleanup", "--json", out)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`cleanup: removed \d+ of \d+ created resources \(\d+ DELETEs?\)\n`).MatchString(stdout) ||
		!strings.Contains(stdout, "not removed  1 × sendEmail (POST /v1/emails): the document has no DELETE /v1/emails/{id}") {
		t.Errorf("terminal:\n%s", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Cleanup *struct {
			CanaryPrefix string `json:"canary_prefix"`
			Created      int
			Requests     int
			Removed      []struct{ Operation, Delete string }
			NotRemoved   []struct{ Operation, Reason string } `json:"not_removed"`
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Cleanup
	if c == nil || c.CanaryPrefix != "idem-" || c.Created != len(c.Removed)+len(c.NotRemoved) || len(c.Removed) == 0 || c.Requests == 0 {
		t.Fatalf("cleanup section: %+v", c)
	}
	for _, r := range c.Removed {
		if !strings.HasPrefix(r.Delete, "DELETE /v1/") {
			t.Errorf("removed %+v", r)
		}
	}

	_, stdout, _ = runCLI(t, args...)
	if !regexp.MustCompile(`the run created \d+ resources on the server \(their canaries start "idem-"\); --cleanup removes them\n`).MatchString(stdout) {
		t.Errorf("without --cleanup:\n%s", stdout)
	}
}
