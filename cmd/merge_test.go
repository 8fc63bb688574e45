package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// writeShard writes a shard's JSON report with the given results.
func writeShard(t *testing.T, dir, name string, results ...probes.Result) string {
	t.Helper()
	return writeShardRun(t, dir, name, nil, results...)
}

// writeShardRun writes a shard's JSON report with the given cleanup (nil:
// none) and results.
func writeShardRun(t *testing.T, dir, name string, cleanup *report.Cleanup, results ...probes.Result) string {
	t.Helper()
	run := &report.Run{Tool: "idemcheck test", Spec: "openapi.yaml", BaseURL: "http://127.0.0.1:1", Gate: probes.Major,
		Started: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Duration: time.Second, Results: results, Cleanup: cleanup}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := report.WriteJSON(f, run); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMergeAndBaselineCommands: two shards merge into the reports and the
// exit code of the whole run; a baseline written from the merged report
// makes the same merge exit 0 with the finding accepted.
func TestMergeAndBaselineCommands(t *testing.T) {
	dir := t.TempDir()
	op := func(m, p string) probes.OperationRef {
		return probes.OperationRef{ID: m + p, Method: m, Path: p, File: "openapi.yaml", Line: 12}
	}
	a := writeShard(t, dir, "shard-1.json",
		probes.Result{Operation: op("POST", "/a"), Probe: "replay", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two payments"})
	b := writeShard(t, dir, "shard-2.json",
		probes.Result{Operation: op("POST", "/b"), Probe: "replay", Verdict: probes.Pass, Severity: probes.Critical, Reason: "ok"})
	out := func(name string) string { return filepath.Join(dir, name) }
	summary := out("step-summary.md")
	t.Setenv("GITHUB_ACTIONS", "true") // as on GitHub: annotations and a step summary
	t.Setenv("GITHUB_STEP_SUMMARY", summary)

	code, stdout, stderr := runCLI(t, "merge", a, b, "--json", out("merged.json"), "--junit", out("merged.xml"),
		"--sarif", out("merged.sarif"), "--html", out("merged.html"), "--markdown", out("merged.md"))
	if code != ExitFindings || !strings.Contains(stdout, "1 passed, 1 failed") {
		t.Fatalf("merge exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	if !strings.Contains(stdout, "::error file=openapi.yaml,line=12,title=replay (critical)::POST /a: two payments") {
		t.Errorf("merge printed no annotation for the failure:\n%s", stdout)
	}
	for _, name := range []string{"merged.json", "merged.xml", "merged.sarif", "merged.html", "merged.md", "step-summary.md"} {
		if fi, err := os.Stat(out(name)); err != nil || fi.Size() == 0 {
			t.Errorf("merge did not write %s: %v", name, err)
		}
	}

	code, _, stderr = runCLI(t, "baseline", "--from", out("merged.json"), "-o", out("baseline.json"))
	if code != ExitOK || !strings.Contains(stderr, "1 accepted finding(s)") {
		t.Fatalf("baseline exit %d, stderr %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "merge", a, b, "--baseline", out("baseline.json"), "--json", out("accepted.json"))
	if code != ExitOK || !strings.Contains(stdout, "1 passed, 0 failed, 1 accepted") {
		t.Fatalf("merge with baseline exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestMergeKeepsTheCleanup (issue 27): merge wrote no cleanup section
// although every shard ran check --cleanup; the merged report holds the
// shards' cleanups added up, and the terminal says so, as check does. A
// shard that ran none adds nothing.
func TestMergeKeepsTheCleanup(t *testing.T) {
	dir := t.TempDir()
	op := func(p string) probes.OperationRef { return probes.OperationRef{ID: p, Method: "POST", Path: p} }
	pass := func(p string) probes.Result {
		return probes.Result{Operation: op(p), Probe: "replay", Verdict: probes.Pass, Severity: probes.Critical, Reason: "ok"}
	}
	item := func(id, reason string) report.CleanupItem {
		return report.CleanupItem{Operation: "createPayment (POST /v1/payments)", ID: id, Delete: "DELETE /v1/payments/" + id, Canary: "idem-" + id, Reason: reason}
	}
	a := writeShardRun(t, dir, "shard-1.json", &report.Cleanup{CanaryPrefix: "idem-", Created: 2, Requests: 2,
		Removed: []report.CleanupItem{item("pay_1", "")}, NotRemoved: []report.CleanupItem{item("pay_2", "refused: status 409")}}, pass("/a"))
	b := writeShardRun(t, dir, "shard-2.json", &report.Cleanup{CanaryPrefix: "idem-", Created: 1, Requests: 1,
		Removed: []report.CleanupItem{item("pay_3", "")}, NotRemoved: []report.CleanupItem{}}, pass("/b"))
	c := writeShardRun(t, dir, "shard-3.json", nil, pass("/c"))
	merged := filepath.Join(dir, "merged.json")

	code, stdout, stderr := runCLI(t, "merge", a, b, c, "--json", merged)
	if code != ExitOK || !strings.Contains(stdout, "cleanup: removed 2 of 3 created resources (3 DELETEs)") {
		t.Fatalf("merge exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	run, err := report.ReadJSONFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	want := &report.Cleanup{CanaryPrefix: "idem-", Created: 3, Requests: 3,
		Removed: []report.CleanupItem{item("pay_1", ""), item("pay_3", "")}, NotRemoved: []report.CleanupItem{item("pay_2", "refused: status 409")}}
	if d := cmp.Diff(want, run.Cleanup); d != "" {
		t.Errorf("merged cleanup (-want +got):\n%s", d)
	}
}

func TestMergeAndBaselineBadInput(t *testing.T) {
	dir := t.TempDir()
	shard := writeShard(t, dir, "shard.json")
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte(`{"schema_version": 99}`), 0o644)
	stale := filepath.Join(dir, "stale-baseline.json")
	os.WriteFile(stale, []byte(`{"schema_version": 0, "findings": []}`), 0o644)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"merge without reports", []string{"merge"}, "needs the shards' JSON reports"},
		{"merge missing file", []string{"merge", filepath.Join(dir, "nope.json")}, "no such file"},
		{"merge other schema", []string{"merge", garbage}, "schema_version 99"},
		{"merge stale baseline", []string{"merge", shard, "--baseline", stale}, "schema_version 0, this idemcheck reads 1"},
		{"baseline without from", []string{"baseline"}, "--from is required"},
		{"baseline of garbage", []string{"baseline", "--from", garbage}, "schema_version 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			first, _, _ := strings.Cut(stderr, "\n")
			if code != ExitError || !strings.Contains(first, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, stderr, tt.wantErr)
			}
		})
	}
}
