package openapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// openedFiles records every file the loader reads through readFile while
// the test runs.
func openedFiles(t *testing.T) func() []string {
	t.Helper()
	var mu sync.Mutex
	var opened []string
	orig := readFile
	readFile = func(name string) ([]byte, error) {
		mu.Lock()
		opened = append(opened, name)
		mu.Unlock()
		return orig(name)
	}
	t.Cleanup(func() { readFile = orig })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), opened...)
	}
}

// refsSpec is a document whose request body schema is the $ref ref.
func refsSpec(refs ...string) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: refs, version: \"1\"}\npaths:\n")
	for i, r := range refs {
		b.WriteString("  /t" + string(rune('a'+i)) + ":\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '" + r + "'}\n      responses: {\"201\": {description: ok}}\n")
	}
	return b.String()
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLocalRefsStayInTheDocumentFolder pins issue 18 item 5: a $ref that
// leaves the document's folder (../, an absolute path, a symlink) is one
// warning naming it and the file is never opened; a ref inside is read.
func TestLocalRefsStayInTheDocumentFolder(t *testing.T) {
	dir := t.TempDir()
	secret := "SECRET-7f3a91"
	writeFile(t, filepath.Join(dir, "secret.yaml"), "Thing: {type: object, properties: {"+secret+": {type: string}}, required: ["+secret+"]}\n")
	writeFile(t, filepath.Join(dir, "spec", "schemas", "ok.yaml"), "Ok: {type: object, properties: {name: {type: string}}}\n")
	if err := os.Symlink(filepath.Join(dir, "secret.yaml"), filepath.Join(dir, "spec", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	refs := []string{
		"schemas/ok.yaml#/Ok",
		"../secret.yaml#/Thing",
		"../../../../etc/passwd",
		"/proc/self/environ",
		"link.yaml#/Thing",
		"file:///etc/passwd",
	}
	spec := filepath.Join(dir, "spec", "api.yaml")
	writeFile(t, spec, refsSpec(refs...))

	t.Run("default", func(t *testing.T) {
		opened := openedFiles(t)
		doc, err := Load(context.Background(), spec)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"remote $ref file:///etc/passwd not fetched, replaced by an empty schema",
			"$ref ../../../../etc/passwd leaves the document's folder, not read (see --allow-ref-dir), replaced by an empty schema",
			"$ref ../secret.yaml#/Thing leaves the document's folder, not read (see --allow-ref-dir), replaced by an empty schema",
			"$ref /proc/self/environ leaves the document's folder, not read (see --allow-ref-dir), replaced by an empty schema",
			"$ref link.yaml#/Thing leaves the document's folder, not read (see --allow-ref-dir), replaced by an empty schema",
		}
		if diff := cmp.Diff(want, doc.Warnings); diff != "" {
			t.Errorf("Warnings (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{filepath.Join(dir, "spec", "schemas", "ok.yaml")}, opened()); diff != "" {
			t.Errorf("opened files (-want +got):\n%s", diff)
		}
		ops, err := Plan(context.Background(), doc, PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(struct {
			W []string
			O []Operation
		}{doc.Warnings, ops})
		if strings.Contains(string(out), secret) || strings.Contains(string(out), "root:") {
			t.Errorf("a file outside the folder reached the plan: %s", out)
		}
	})

	t.Run("allowed directory", func(t *testing.T) {
		opened := openedFiles(t)
		doc, err := Load(context.Background(), spec, AllowRefDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range doc.Warnings {
			if strings.Contains(w, "secret.yaml") || strings.Contains(w, "link.yaml") {
				t.Errorf("allowed ref refused: %s", w)
			}
		}
		for _, f := range opened() {
			if !strings.HasPrefix(f, dir+string(filepath.Separator)) {
				t.Errorf("opened %s, outside %s", f, dir)
			}
		}
		if got := strings.Join(doc.Warnings, "\n"); !strings.Contains(got, "$ref /proc/self/environ leaves") {
			t.Errorf("/proc/self/environ not refused with --allow-ref-dir %s:\n%s", dir, got)
		}
		ops, err := Plan(context.Background(), doc, PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ops[1].Request == nil || ops[1].Request.Body == nil {
			t.Fatalf("POST /tb not planned from the allowed file: %+v", ops[1])
		}
		if _, ok := ops[1].Request.Body.Value.(map[string]any)[secret]; !ok {
			t.Errorf("POST /tb body = %v, want the allowed file's schema", ops[1].Request.Body.Value)
		}
	})
}

// TestRemoteRefsOnlyFromTheDocumentsOrigin pins that a document loaded
// from a URL fetches the $refs of its own origin, and nothing else: not
// another host, not a local file.
func TestRemoteRefsOnlyFromTheDocumentsOrigin(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write([]byte("Thing: {type: object}\n"))
	}))
	defer other.Close()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/specs/api.yaml":
			w.Write([]byte(refsSpec("schemas.yaml#/Thing", other.URL+"/x.yaml#/Thing", "../../etc/passwd#/x", "/proc/self/environ")))
		case "/specs/schemas.yaml":
			w.Write([]byte("Thing: {type: object, required: [name], properties: {name: {type: string}}}\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	opened := openedFiles(t)
	doc, err := Load(context.Background(), srv.URL+"/specs/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"dangling $ref ../../etc/passwd#/x (GET returned 404 Not Found) replaced by an empty schema",
		"dangling $ref /proc/self/environ (GET returned 404 Not Found) replaced by an empty schema",
		"remote $ref " + other.URL + "/x.yaml#/Thing not fetched, replaced by an empty schema",
	}
	if diff := cmp.Diff(want, doc.Warnings); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("another origin got %d requests", n)
	}
	if f := opened(); len(f) != 0 {
		t.Errorf("a document from a URL opened local files %v", f)
	}
	mu.Lock()
	wantPaths := []string{"/etc/passwd", "/proc/self/environ", "/specs/api.yaml", "/specs/schemas.yaml"}
	sort.Strings(got)
	if diff := cmp.Diff(wantPaths, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	mu.Unlock()
	ops, err := Plan(context.Background(), doc, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ops[0].Request == nil || ops[0].Request.Body == nil || ops[0].Request.Body.Value.(map[string]any)["name"] == nil {
		t.Errorf("POST /ta not planned from the fetched schema: %+v", ops[0])
	}

	// A local document never fetches: its remote refs are refused.
	spec := filepath.Join(t.TempDir(), "api.yaml")
	writeFile(t, spec, refsSpec(srv.URL+"/specs/schemas.yaml#/Thing"))
	before := len(got)
	doc, err = Load(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if w := "remote $ref " + srv.URL + "/specs/schemas.yaml#/Thing not fetched, replaced by an empty schema"; len(doc.Warnings) != 1 || doc.Warnings[0] != w {
		t.Errorf("Warnings = %q, want [%q]", doc.Warnings, w)
	}
	if len(got) != before {
		t.Errorf("a local document fetched %v", got[before:])
	}
}

// TestDataRefsNeedALocation pins that a document without a location follows
// no file $ref.
func TestDataRefsNeedALocation(t *testing.T) {
	opened := openedFiles(t)
	doc, err := LoadData(context.Background(), []byte(refsSpec("../../etc/passwd#/x")), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"file $ref ../../etc/passwd#/x cannot be resolved without a file location, replaced by an empty schema"}
	if diff := cmp.Diff(want, doc.Warnings); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
	if f := opened(); len(f) != 0 {
		t.Errorf("opened %v", f)
	}
}
