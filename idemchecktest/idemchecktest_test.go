package idemchecktest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/idemchecktest"
	"github.com/idemcheck/idemcheck/probes"
)

const spec = "../examples/payments/openapi.yaml"

// TestCorrectHandlerPasses: every subtest of the correct example passes or
// is skipped, and the probes really ran (results came back, some passed).
func TestCorrectHandlerPasses(t *testing.T) {
	opts := check.DefaultOptions()
	opts.OtherHeaders = []string{"Authorization: Bearer principal-b"}
	results := idemchecktest.Run(t, payments.New(payments.Options{}), spec, &opts)
	passed := 0
	for _, r := range results {
		if r.Verdict == probes.Pass {
			passed++
		}
	}
	if passed < 10 {
		t.Errorf("%d results, %d passed: the probes did not run", len(results), passed)
	}
}

// childEnv makes the test binary, run again by the parent test, check a
// flawed handler: its failure is what the parent inspects.
const childEnv = "IDEMCHECKTEST_CHILD_FLAW"

func TestChildChecksAFlawedHandler(t *testing.T) {
	flaw := os.Getenv(childEnv)
	if flaw == "" {
		t.Skip("run by TestFlawedHandlerFailsReadably")
	}
	idemchecktest.Run(t, payments.New(payments.Options{Flaw: payments.Flaw(flaw)}), spec, nil)
}

// TestFlawedHandlerFailsReadably runs the check of a handler with a
// check-then-act race in a child go test process: it must fail, in the
// subtest of the operation and probe that caught it, with the reason and
// the evidence; the other probes pass.
func TestFlawedHandlerFailsReadably(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child test process")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run", "^TestChildChecksAFlawedHandler$/^createPayment$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+string(payments.FlawRace))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the check of a racy handler passed:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestChildChecksAFlawedHandler/createPayment/concurrent",
		"critical finding:",
		"Evidence:",
		"--- PASS: TestChildChecksAFlawedHandler/createPayment/replay",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
