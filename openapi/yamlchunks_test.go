package openapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bigYAML is a document over chunkMinBytes with what a piecewise parse must
// get right: a "---" start, comments, a sequence at its key's indentation,
// block scalars, anchors used inside their piece, and (with crossAlias) an
// alias to an anchor of another piece.
func bigYAML(crossAlias bool) string {
	var b strings.Builder
	b.WriteString("# generated\n---\nopenapi: 3.0.3\ninfo:\n  title: big\n  version: \"1\"\n  description: |\n    several\n\n    lines\ntags:\n- name: a\n- name: b\npaths:\n")
	for i := 0; b.Len() < chunkMinBytes+chunkMinBytes/2; i++ {
		fmt.Fprintf(&b, "  # path %d\n  /things%d:\n    post: &op%d\n      operationId: create%d\n      description: >\n        folded\n        text %d\n      parameters:\n      - {name: x, in: query, schema: {type: integer, maximum: 1e400}}\n      responses: {\"201\": {description: ok}}\n    put: *op%d\n", i, i, i, i, i, i)
	}
	if crossAlias {
		b.WriteString("  /alias:\n    post: *op0\n")
	}
	b.WriteString("components:\n  schemas:\n    A: {type: string}\n")
	return b.String()
}

// TestYAMLChunkedSameAsWhole pins that a large document parses to the same
// tree, lines included, in pieces as in one, and that what pieces cannot
// hold falls back to the whole parse.
func TestYAMLChunkedSameAsWhole(t *testing.T) {
	for _, cross := range []bool{false, true} {
		t.Run(fmt.Sprintf("cross alias %v", cross), func(t *testing.T) {
			data := []byte(bigYAML(cross))
			want, err := parseYAMLWhole(data)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := parseYAMLChunked(data)
			if ok == cross {
				t.Fatalf("chunked = %v, want %v", ok, !cross)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(srcPos{}, bigNumber{})); diff != "" {
				t.Errorf("chunked parse differs (-whole +chunked):\n%.2000s", diff)
			}
			op := got.(map[string]any)["paths"].(map[string]any)["/things3"].(map[string]any)["post"].(map[string]any)
			if pos := op[posKey].(srcPos); pos.line != 17+3*11 {
				t.Errorf("line of /things3 post = %d, want %d", pos.line, 17+3*11)
			}
		})
	}
}

// TestDropReadBlocks pins that the unplanned read operations of a path
// item are parsed as {} (comments up to the next key blanked with them),
// that GETs are kept (planned reads use them) and that every other line
// keeps its number.
func TestDropReadBlocks(t *testing.T) {
	in := "  /things:\n    head:\n      description: |\n        text\n\n      # comment\n      responses: {\"200\": {description: ok}}\n    # between\n    post:\n      responses: {\"201\": {description: ok}}\n    get:\n      responses: {\"200\": {description: ok}}\n"
	want := "  /things:\n    head: {}\n\n\n\n\n\n\n    post:\n      responses: {\"201\": {description: ok}}\n    get:\n      responses: {\"200\": {description: ok}}\n"
	if got := string(dropReadBlocks([]byte(in))); got != want {
		t.Errorf("dropReadBlocks:\n%s\nwant:\n%s", got, want)
	}
	if in := "  /x:\n    post: {}\n"; string(dropReadBlocks([]byte(in))) != in {
		t.Errorf("a path item without reads changed")
	}
	for data, want := range map[string]bool{
		"a: {$ref: '#/components/schemas/A'}\nb: {\"$ref\": \"#/x\"}\n": true,
		"a: {$ref: 'other.yaml#/A'}\n":                                  false,
		"a: {$ref: '#/paths/~1x/get'}\n":                                false,
		"swagger: \"2.0\"\n":                                            false,
	} {
		if got := getsPrunable([]byte(data)); got != want {
			t.Errorf("getsPrunable(%q) = %v, want %v", data, got, want)
		}
	}
}

// TestChunkedParseSkipsReads pins that a large document parsed in pieces
// has empty unplanned read operations (HEAD), GETs trimmed to what prune
// reads of them, and the same lines for the others.
func TestChunkedParseSkipsReads(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: big, version: \"1\"}\npaths:\n")
	for i := 0; b.Len() < chunkMinBytes+1000; i++ {
		fmt.Fprintf(&b, "  /things%d:\n    head:\n      parameters:\n      - {name: limit, in: query}\n      responses: {\"200\": {description: ok}}\n    get:\n      description: prose\n      responses: {\"200\": {description: ok, content: {application/json: {schema: {type: array}, example: []}}}, \"404\": {description: gone}}\n    post:\n      responses: {\"201\": {description: ok}}\n", i)
	}
	data := []byte(b.String())
	whole, err := parseYAMLWhole(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range whole.(map[string]any)["paths"].(map[string]any) {
		item := v.(map[string]any)
		item["head"] = map[string]any{posKey: item["head"].(map[string]any)[posKey]}
		trimGet(item)
	}
	got, ok := parseYAMLChunked(data)
	if !ok {
		t.Fatal("not parsed in pieces")
	}
	if diff := cmp.Diff(whole, got, cmp.AllowUnexported(srcPos{}, bigNumber{})); diff != "" {
		t.Errorf("(-whole with empty reads +chunked):\n%.2000s", diff)
	}
	get := got.(map[string]any)["paths"].(map[string]any)["/things0"].(map[string]any)["get"].(map[string]any)
	want := map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "array"}}}
	if rs := get["responses"].(map[string]any); get["description"] != nil || rs["404"] != nil || !cmp.Equal(rs["200"].(map[string]any)["content"], want) {
		t.Errorf("GET kept as %v; want no prose, no error response, the schema only", get)
	}
}
