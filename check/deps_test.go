package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestEngineImportsNoExample (issue 26): a program that imports only check
// compiles none of the example APIs and their flaws. A scratch module
// requires this one (a replace directive to the checkout) and imports
// check; go list -deps names every package it would build.
func TestEngineImportsNoExample(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skipf("no go command beside the toolchain: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module scratch\n\ngo 1.26.0\n\nrequire github.com/idemcheck/idemcheck v0.0.0\n\nreplace github.com/idemcheck/idemcheck => " + root + "\n",
		"go.sum": string(sum),
		"main.go": "package main\n\nimport \"github.com/idemcheck/idemcheck/check\"\n\n" +
			"func main() { _, _ = check.New(check.Options{Spec: \"openapi.yaml\", BaseURL: \"http://127.0.0.1:8080\"}) }\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goTool, "list", "-mod=mod", "-deps", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOWORK=off") // the module cache has every dependency
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil && strings.Contains(string(out), "module lookup disabled by GOPROXY=off"):
		t.Skipf("a dependency is not in the module cache, and the test fetches nothing:\n%s", out)
	case err != nil:
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/idemcheck/idemcheck/check") {
		t.Fatalf("go list -deps does not list check:\n%s", out)
	}
	for _, p := range deps {
		if p == "github.com/idemcheck/idemcheck/examples" || strings.HasPrefix(p, "github.com/idemcheck/idemcheck/examples/") {
			t.Errorf("a program importing only check builds %s", p)
		}
	}
}
