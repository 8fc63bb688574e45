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
