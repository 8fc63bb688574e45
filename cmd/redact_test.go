package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// echoSpec is a keyed create with its list, for a server that echoes the
// Authorization value.
const echoSpec = `openapi: 3.0.3
info: {title: echo, version: "1"}
paths:
  /v1/things:
    get:
      responses: {"200": {description: ok}}
    post:
      operationId: createThing
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {amount: {type: integer}}, required: [amount]}, example: {amount: 1}}}
      responses: {"201": {description: created}}
`

// TestCheckRedactsEchoedHeaderValues runs check against a server that puts
// the -H value in a header, its bodies and its item ids: no report, and
// neither stdout nor stderr, carries it.
func TestCheckRedactsEchoedHeaderValues(t *testing.T) {
	const token = "Zq81echoedToken/x+y"
	var mu sync.Mutex
	var items []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", auth)
		w.Header().Set("Content-Type", "application/json")
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPost {
			item := map[string]any{"id": strings.TrimPrefix(auth, "Bearer ") + "-" + string(rune('a'+len(items)%26)) + strings.Repeat("z", len(items)/26), "auth": auth}
			items = append(items, item)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(item)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"data": items})
	}))
	defer srv.Close()
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(spec, []byte(echoSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"--junit": "r.xml", "--markdown": "r.md", "--html": "r.html", "--json": "r.json"}
	args := []string{"check", "--spec", spec, "--base-url", srv.URL, "-H", "Authorization: Bearer " + token, "--rounds", "1", "--concurrency", "3", "--no-color"}
	for flag, name := range files {
		args = append(args, flag, filepath.Join(dir, name))
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d (a non-idempotent server); stderr:\n%s", code, ExitFindings, stderr)
	}
	outputs := map[string]string{"stdout": stdout, "stderr": stderr}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		outputs[name] = string(data)
	}
	if !strings.Contains(outputs["r.json"], "[redacted]") {
		t.Error("the JSON report has no [redacted] mark: the echo did not reach it, and the test proves nothing")
	}
	for name, out := range outputs {
		if strings.Contains(out, "Zq81echoed") {
			t.Errorf("%s carries the -H value", name)
		}
	}
}
