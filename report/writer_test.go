package report

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reports", "nested", "junit.xml")
	w, err := Create(path)
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

func TestCreateStdoutStaysOpen(t *testing.T) {
	w, err := Create("-")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stdout.Stat(); err != nil {
		t.Errorf("stdout closed: %v", err)
	}
}

func TestCreateError(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(filepath.Join(blocker, "junit.xml")); err == nil {
		t.Error("Create under a regular file: no error")
	}
}
