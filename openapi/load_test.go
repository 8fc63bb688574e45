package openapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadVersions(t *testing.T) {
	tests := []struct {
		file, version string
	}{
		{"v30.yaml", "3.0.3"},
		{"v31.json", "3.1.0"},
		{"swagger2.json", "2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Load(context.Background(), filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Version != tt.version {
				t.Errorf("Version = %q, want %q", doc.Version, tt.version)
			}
		})
	}
}

// TestLoadRefusals pins that unreadable input gives one lower-case line.
func TestLoadRefusals(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "load spec x.yaml: empty document"},
		{"not an object", "[1, 2]", "load spec x.yaml: not an OpenAPI document: the top level is not an object"},
		{"no version", "info: {}", `load spec x.yaml: not an OpenAPI document: no "openapi" or "swagger" version field`},
		{"unsupported version", `{"swagger": "1.2"}`, `load spec x.yaml: unsupported version "1.2" (want Swagger 2.0 or OpenAPI 3.x)`},
		{"broken JSON", `{"openapi": `, "load spec x.yaml: parse JSON: unexpected end of JSON input"},
		{"broken YAML", "openapi: [3.0", "load spec x.yaml: parse YAML: yaml: line 1: did not find expected ',' or ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadData(context.Background(), []byte(tt.data), "x.yaml")
			if err == nil {
				t.Fatal("LoadData succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadJSONIsNotYAML pins that JSON files are parsed as JSON: a tab
// inside a JSON string is fine there but a YAML scanner error elsewhere.
func TestLoadJSONIsNotYAML(t *testing.T) {
	data := "{\n\t\"openapi\": \"3.0.1\",\n\t\"info\": {\"title\": \"t\\tabs\", \"version\": \"1\"},\n\t\"paths\": {}\n}"
	if _, err := LoadData(context.Background(), []byte(data), "x.json"); err != nil {
		t.Fatal(err)
	}
}

func TestLoadURL(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("testdata", "v30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.yaml" {
			http.NotFound(w, r)
			return
		}
		w.Write(spec)
	}))
	defer srv.Close()

	doc, err := Load(context.Background(), srv.URL+"/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if doc.T.Paths.Value("/payments") == nil {
		t.Error("loaded document has no /payments")
	}

	_, err = Load(context.Background(), srv.URL+"/missing.yaml")
	if want := "load spec " + srv.URL + "/missing.yaml: GET returned 404 Not Found"; err == nil || err.Error() != want {
		t.Errorf("404: err = %v, want %q", err, want)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL + "/openapi.yaml"
	closed.Close()
	_, err = Load(context.Background(), url)
	if err == nil || !strings.HasPrefix(err.Error(), "load spec "+url+": ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unreachable: err = %v, want one line starting with load spec", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(context.Background(), filepath.Join("testdata", "nope.yaml"))
	if want := "load spec " + filepath.Join("testdata", "nope.yaml") + ": no such file"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func FuzzLoadData(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"openapi":"3.0.0","paths":{"/a":{"post":{"$ref":"#/paths"}}}}`))
	f.Add([]byte(`{"swagger":"2.0","paths":{"/a":{"post":{"parameters":[{"in":"body","schema":{"$ref":"#/definitions/x"}}]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("slow input: %s", d)
			}
		}()
		doc, err := LoadData(ctx, data, filepath.Join("testdata", "fuzz.yaml"))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
			return
		}
		if _, err := Plan(ctx, doc, PlanOptions{}); err != nil {
			t.Errorf("Plan: %v", err)
		}
	})
}
