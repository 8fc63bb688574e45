package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsCheck: every report path that could not be written is found
// before a run, named in a one-line error, and nothing is created or
// truncated on the way.
func TestOutputsCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("last run"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		o       Outputs
		wantErr string // "" when the outputs are fine
	}{
		{"none", Outputs{}, ""},
		{"stdout", Outputs{Paths: map[string]string{"junit": "-", "json": "-"}}, ""},
		{"new files in an existing folder", Outputs{Paths: map[string]string{"json": filepath.Join(dir, "r.json"), "html": filepath.Join(folder, "r.html")}}, ""},
		{"an existing file", Outputs{Paths: map[string]string{"markdown": file}}, ""},
		{"missing folder", Outputs{Paths: map[string]string{"json": filepath.Join(dir, "missing", "r.json")}}, "JSON report: " + filepath.Join(dir, "missing", "r.json") + " cannot be created: the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{"folder is a file", Outputs{Paths: map[string]string{"sarif": filepath.Join(file, "r.sarif")}}, "SARIF report: " + filepath.Join(file, "r.sarif") + " cannot be created: " + file + " is a file, not a folder"},
		{"path is a folder", Outputs{Paths: map[string]string{"html": folder}}, "HTML report: " + folder + " is a folder"},
		{"unknown format", Outputs{Paths: map[string]string{"yaml": filepath.Join(dir, "r.yaml")}}, `no report format "yaml"`},
		{"one path twice", Outputs{Paths: map[string]string{"junit": filepath.Join(dir, "r"), "json": filepath.Join(dir, "r")}}, "JSON report: " + filepath.Join(dir, "r") + " is also the JUnit report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Check()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("Check: %v\nwant %s", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("the error has more than one line: %q", err)
			}
		})
	}
	if b, _ := os.ReadFile(file); string(b) != "last run" {
		t.Errorf("an existing report was truncated: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "file folder" {
		t.Errorf("Check left files behind: %v", names)
	}
}

// TestCheckDirUnwritable: a folder without write permission is found (not
// as root, who may write anywhere).
func TestCheckDirUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes in any folder")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := CheckPath(filepath.Join(dir, "r.json")); err == nil || !strings.Contains(err.Error(), "is not writable") {
		t.Errorf("CheckPath in a read-only folder: %v", err)
	}
}
