package report

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	w, err := Create(path, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "hello"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "hello" {
		t.Errorf("file = %q, %v; want %q", got, err, "hello")
	}
}

func TestCreateStdoutGoesToTheGivenWriter(t *testing.T) {
	var stdout strings.Builder
	w, err := Create("-", &stdout)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "<testsuites/>"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "<testsuites/>" {
		t.Errorf("stdout = %q, want the report", stdout.String())
	}
}

func TestCreateError(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(filepath.Join(blocker, "junit.xml"), io.Discard); err == nil {
		t.Error("Create under a regular file: no error")
	}
}

// TestCreateMakesNoFolder: a report in a folder that does not exist is an
// error, not a folder made wherever the path points (issue 27).
func TestCreateMakesNoFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	if _, err := Create(filepath.Join(dir, "junit.xml"), io.Discard); err == nil {
		t.Error("Create in a missing folder: no error")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the folder was created: %v", err)
	}
}
