package report

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/idemcheck/idemcheck/probes"
)

// spooledFixture is fixtureRun streamed through a Spool in dir, its
// operations finishing in the reverse order.
func spooledFixture(t *testing.T, dir string) *Run {
	t.Helper()
	run := fixtureRun()
	results := run.Results
	spool, err := NewSpool(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	spool.Add(1, results[3:]) // PUT /v1/users/{id} finished first
	spool.Add(0, results[:3])
	run.Results = nil
	spool.Run(run)
	t.Cleanup(func() { run.Close() })
	return run
}

// TestSpooledRunWritesTheSameReports: a run streamed through a spool holds
// no evidence in memory, reads it back in the order of the operations, and
// every format written from it is the one written from the run in memory.
func TestSpooledRunWritesTheSameReports(t *testing.T) {
	run := spooledFixture(t, t.TempDir())
	for _, r := range run.Results {
		if r.Evidence != nil {
			t.Fatalf("%s %s holds its evidence in memory", r.Operation.Name(), r.Probe)
		}
		for _, e := range r.Effects {
			if e.Diff != "" {
				t.Fatalf("%s %s holds its snapshots in memory", r.Operation.Name(), r.Probe)
			}
		}
	}
	want := fixtureRun()
	for i := range want.Results {
		got, err := run.Result(i)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Results[i], got); diff != "" {
			t.Errorf("result %d read back (-want +got):\n%s", i, diff)
		}
	}
	formats := map[string]func(*bytes.Buffer, *Run) error{
		"json":     func(b *bytes.Buffer, r *Run) error { return WriteJSON(b, r) },
		"junit":    func(b *bytes.Buffer, r *Run) error { return WriteJUnit(b, r) },
		"markdown": func(b *bytes.Buffer, r *Run) error { return WriteMarkdown(b, r) },
		"html":     func(b *bytes.Buffer, r *Run) error { return WriteHTML(b, r) },
		"sarif":    func(b *bytes.Buffer, r *Run) error { return WriteSARIF(b, r) },
	}
	for name, write := range formats {
		var a, b bytes.Buffer
		if err := write(&a, want); err != nil {
			t.Fatal(err)
		}
		if err := write(&b, run); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s differs when written from the spool", name)
		}
	}
}

// TestSpoolLeavesNoFile: the spool's file has no name while the run is
// open (where the system allows), and none is left once it is closed; a
// closed run says so instead of showing no evidence.
func TestSpoolLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	run := spooledFixture(t, dir)
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
		t.Errorf("files left behind: %v", left)
	}
	if _, err := run.Result(1); err == nil {
		t.Error("the evidence of a closed run was read without an error")
	}
}

// TestSpoolKeepsEvidenceItCannotWrite: evidence the file cannot take stays
// in memory rather than being lost.
func TestSpoolKeepsEvidenceItCannotWrite(t *testing.T) {
	spool, err := NewSpool(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	spool.f.Close() // every write fails from now on
	want := probes.Result{Probe: "replay", Verdict: probes.Fail, Evidence: []probes.Exchange{{Label: "first"}},
		Effects: []probes.Effect{{Observer: "o", Diff: "snapshots"}}}
	spool.Add(0, []probes.Result{want})
	run := &Run{}
	spool.Run(run)
	got, err := run.Result(0)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); err != nil || diff != "" {
		t.Errorf("err %v; result (-want +got):\n%s", err, diff)
	}
}
