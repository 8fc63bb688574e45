package cmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// selfReferencing is issue 23's document: its only keyed operation has a
// request schema that requires itself, so no request can be planned.
const selfReferencing = `openapi: 3.0.0
info: {title: self-referencing, version: "1"}
paths:
  /nodes:
    post:
      operationId: createNode
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Node"}
      responses: {"201": {description: created}}
components:
  schemas:
    Node:
      type: object
      required: [child]
      properties:
        child: {$ref: "#/components/schemas/Node"}
`

// TestNothingAtTheGateIsUntestable: every probe skipped (only spec, which
// is info, ran) used to say "--fail-on major: passed" and exit 0.
func TestNothingAtTheGateIsUntestable(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "selfref.yaml")
	if err := os.WriteFile(spec, []byte(selfReferencing), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	code, stdout, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--no-color", "--quiet")
	want := "no probe at or above --fail-on major could run: 1 operation, only probes below the gate ran (spec ×1), the others skipped: operation not planned: no valid request: no body could be generated (×9)"
	if code != ExitError || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if !strings.Contains(stdout, "--fail-on major: NOT TESTED") {
		t.Errorf("the summary does not say NOT TESTED:\n%s", stdout)
	}
}
