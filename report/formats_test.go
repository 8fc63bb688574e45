package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEveryFormatHasItsGolden: every registered format writes the fixture
// run as its golden file testdata/report<Ext> says (go test -update writes
// a new format's), under a flag and a file name of its own.
func TestEveryFormatHasItsGolden(t *testing.T) {
	flags, exts := map[string]bool{}, map[string]bool{}
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			if flags[f.Flag] || exts[f.Ext] || f.Flag == "" || f.Ext == "" || f.Help == "" {
				t.Fatalf("format %s: flag %q and extension %q must be set and its own", f.Name, f.Flag, f.Ext)
			}
			flags[f.Flag], exts[f.Ext] = true, true
			var buf bytes.Buffer
			if err := f.Write(&buf, fixtureRun(), Outputs{}); err != nil {
				t.Fatal(err)
			}
			golden(t, "report"+f.Ext, buf.Bytes())
		})
	}
}

// TestInDirWritesEveryFormat: the demo's outputs name one file per
// format in the folder, and Write writes them all.
func TestInDirWritesEveryFormat(t *testing.T) {
	dir := t.TempDir()
	o := InDir(dir, "payments")
	if err := o.Check(); err != nil {
		t.Fatal(err)
	}
	if err := o.Write(fixtureRun(), nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats() {
		if fi, err := os.Stat(filepath.Join(dir, "payments"+f.Ext)); err != nil || fi.Size() == 0 {
			t.Errorf("%s report: %v", f.Name, err)
		}
	}
	if o.ToStdout() {
		t.Error("files in a folder do not go to stdout")
	}
}
