package openapi

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestYAMLSelfAliasIsAnError pins a hang found by FuzzLoadData: an anchor
// that contains an alias to itself, directly or through a merge key, is
// one error line, quickly.
func TestYAMLSelfAliasIsAnError(t *testing.T) {
	for _, in := range []string{
		"openapi: 3.0.0\na: &a {<<: *a}\n",
		"openapi: 3.0.0\na: &a {<<: [*a]}\n",
		"openapi: 3.0.0\na: &a {b: *a}\n",
		"openapi: 3.0.0\na: &a [*a]\n",
	} {
		done := make(chan error, 1)
		go func() {
			_, err := LoadData(context.Background(), []byte(in), "x.yaml")
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), `anchor "a" contains itself`) {
				t.Errorf("%q: err = %v, want anchor \"a\" contains itself", in, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q: still loading after 10s", in)
		}
	}
}

// TestJSONParseKeepsLinesAndStdErrors pins that the JSON parser keeps
// operation lines and that a document it refuses fails with
// encoding/json's message.
func TestJSONParseKeepsLinesAndStdErrors(t *testing.T) {
	v, err := parseJSON([]byte("{\n \"paths\": {\"/a\": {\n  \"post\": {\"x\": \"\\u00e9\\n\", \"n\": [1, -2.5e3, 1e400]}}}}"))
	if err != nil {
		t.Fatal(err)
	}
	op := v.(map[string]any)["paths"].(map[string]any)["/a"].(map[string]any)["post"].(map[string]any)
	if pos, _ := op[posKey].(srcPos); pos.line != 3 {
		t.Errorf("line of post = %d, want 3", pos.line)
	}
	if op["x"] != "é\n" {
		t.Errorf("escaped string = %q", op["x"])
	}
	if n := op["n"].([]any); n[1] != -2500.0 || n[2] != (bigNumber{text: "1e400", line: 3}) {
		t.Errorf("numbers = %#v", n)
	}
	for in, want := range map[string]string{
		`{"a": }`:         "parse JSON: invalid character '}' looking for beginning of value",
		`{"a": 1,}`:       "parse JSON: invalid character '}' looking for beginning of object key string",
		"{\"a\": \"\t\"}": "parse JSON: invalid character '\\t' in string literal",
		`[1] [2]`:         "parse JSON: invalid character '[' after top-level value",
	} {
		if _, err := parseJSON([]byte(in)); err == nil || err.Error() != want {
			t.Errorf("%q: err = %v, want %q", in, err, want)
		}
	}
}
