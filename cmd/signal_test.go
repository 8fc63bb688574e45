package cmd

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// TestInterruptStillWritesReports: SIGINT in the middle of a run stops the
// work in flight, writes every report for what finished, and exits 2 with
// the reason: an interrupted gate never passes.
func TestInterruptStillWritesReports(t *testing.T) {
	if testing.Short() {
		t.Skip("signals a child process")
	}
	api := payments.New(payments.Options{})
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		time.Sleep(30 * time.Millisecond) // slow enough that the run is still going when signalled
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	jsonOut, junitOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	args := []string{"check", "--spec", specFile(t), "--base-url", srv.URL, "--parallel", "1", "--json", jsonOut, "--junit", junitOut, "--no-color"}
	cmd := exec.Command(os.Args[0])
	argsJSON, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(argsJSON))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child sent no request")
	}
	time.Sleep(300 * time.Millisecond) // some probes finish
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child did not stop within 30s of SIGINT")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != int(ExitError) {
		t.Errorf("exit %v, want %d; stderr:\n%s", err, ExitError, stderr.String())
	}
	var doc struct {
		Outcome       string `json:"outcome"`
		OutcomeReason string `json:"outcome_reason"`
		Results       []struct{ Verdict string }
	}
	b, rerr := os.ReadFile(jsonOut)
	if rerr != nil || json.Unmarshal(b, &doc) != nil {
		t.Fatalf("no JSON report after SIGINT: %v", rerr)
	}
	if doc.Outcome != "untestable" || !strings.Contains(doc.OutcomeReason, "interrupted by interrupt") || len(doc.Results) == 0 {
		t.Errorf("JSON outcome %q (%q), %d results; want untestable, interrupted, with results", doc.Outcome, doc.OutcomeReason, len(doc.Results))
	}
	if _, err := os.Stat(junitOut); err != nil {
		t.Errorf("no JUnit report after SIGINT: %v", err)
	}
}
