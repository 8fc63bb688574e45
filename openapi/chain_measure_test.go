package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestChainPointersReport measures, for every real-world document, the
// chained path parameters the planner finds and how many of their body
// pointers the producer's full 2xx response schema has. The schemas are
// read from the document as kin-openapi loads it whole (not pruned), so the
// check does not trust the planner's own reading. Run:
//
//	go test -run TestChainPointersReport -v ./openapi/
func TestChainPointersReport(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads every real-world document twice")
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
	fmt.Fprintln(w, "document\tchained\tbody pointer\tin schema\theader\tfresh id")
	specs := realSpecs(t)
	rows := make([]string, len(specs))
	// The documents are measured at once, each loaded whole by itself
	// (seconds of CPU under -race), the table printed in their order.
	t.Run("documents", func(t *testing.T) {
		for i, p := range specs {
			t.Run(filepath.Base(p), func(t *testing.T) {
				t.Parallel()
				rows[i] = chainPointersRow(t, p)
			})
		}
	})
	for _, r := range rows {
		fmt.Fprint(w, r)
	}
	w.Flush()
	t.Log("\n" + b.String())
}

// chainPointersRow is TestChainPointersReport's line for the document p.
func chainPointersRow(t *testing.T, p string) string {
	_, ops := planSpec(t, p)
	full, err := loadWhole(p)
	if err != nil {
		return fmt.Sprintf("%s\tERROR %v\n", filepath.Base(p), err)
	}
	var chained, body, has, header, fresh int
	for _, o := range ops {
		for _, l := range o.Chain {
			chained++
			switch {
			case l.Header != "":
				header++
			case l.Pointer == "":
				fresh++
			default:
				body++
				if l.Producer != nil && wholeSchemaHas(full, l.Producer.Method, l.Producer.Path, l.Pointer) {
					has++
				}
			}
		}
	}
	return fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%d\n", filepath.Base(p), chained, body, has, header, fresh)
}

// loadWhole loads a document as Load does (its repairs included) but
// with nothing pruned.
func loadWhole(p string) (*openapi3.T, error) {
	ctx := context.Background()
	loc, err := filepath.Abs(p)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(loc)
	if err != nil {
		return nil, err
	}
	tree, err := parseTree(data, loc)
	if err != nil {
		return nil, err
	}
	_, swagger := declaredVersion(tree.(map[string]any))
	n := &notes{}
	fs := newFileSet(ctx, newRefPolicy(loc, nil), n)
	fs.root = loc
	fs.trees[loc] = tree
	pr := &prep{root: tree, file: loc, files: fs, notes: n}
	tree = pr.walk(tree, modeKeyword)
	prepped, err := json.Marshal(tree)
	if err != nil {
		return nil, err
	}
	return kinLoad(ctx, prepped, loc, swagger, fs)
}

// wholeSchemaHas reports whether a 2xx JSON response of METHOD path in t
// has the JSON pointer ptr (through properties, array items and the
// members of allOf, oneOf and anyOf).
func wholeSchemaHas(t *openapi3.T, method, path, ptr string) bool {
	item := t.Paths.Value(path)
	if item == nil {
		return false
	}
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil || op.Responses == nil {
		return false
	}
	for code, r := range op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || r == nil || r.Value == nil {
			continue
		}
		for ct, mt := range r.Value.Content {
			if !strings.Contains(ct, "json") || mt == nil || mt.Schema == nil {
				continue
			}
			if ptr == "/" || schemaPathHas(mt.Schema, strings.Split(strings.TrimPrefix(ptr, "/"), "/"), 0) {
				return true
			}
		}
	}
	return false
}

func schemaPathHas(sr *openapi3.SchemaRef, segs []string, depth int) bool {
	if sr == nil || sr.Value == nil || depth > 20 {
		return false
	}
	if len(segs) == 0 {
		return true
	}
	s := sr.Value
	for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
		for _, m := range group {
			if schemaPathHas(m, segs, depth+1) {
				return true
			}
		}
	}
	seg := strings.ReplaceAll(strings.ReplaceAll(segs[0], "~1", "/"), "~0", "~")
	if _, err := strconv.Atoi(seg); err == nil && s.Items != nil {
		return schemaPathHas(s.Items, segs[1:], depth+1)
	}
	return schemaPathHas(s.Properties[seg], segs[1:], depth+1)
}
