package openapi

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Load checks what the plan uses, not the whole document: kin-openapi's
// full Validate spends most of a large document's load on response schemas
// idemcheck never reads (issue 20). The mutating operations' parameters and
// request bodies are checked as Validate would, and paths that a server
// cannot tell apart are named; the rest of the document is left alone.

// checkPlanned returns warnings about the parts of t that Plan uses.
func checkPlanned(ctx context.Context, t *openapi3.T) []string {
	if t == nil || t.Paths == nil {
		return nil
	}
	var invalid []string
	paths := t.Paths.Map()
	keys := sortedKeys(paths)
	for _, path := range keys {
		item := paths[path]
		if item == nil {
			continue
		}
		for _, m := range mutating {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			if err := checkOperation(ctx, t, item, op); err != nil {
				invalid = append(invalid, fmt.Sprintf("%s %s: %s", m, path, oneLine(err.Error(), 200)))
			}
		}
	}
	out := listed("invalid operation %s", "invalid operations", invalid)
	return append(out, conflictingPaths(keys)...)
}

// checkOperation validates what synthesis reads: parameters and the request body.
func checkOperation(ctx context.Context, t *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in kin-openapi: %v", r)
		}
	}()
	opts := []openapi3.ValidationOption{
		openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(),
		openapi3.AllowExtensionsWithRef(), openapi3.AllowExtraSiblingFields("description", "summary", "example", "examples"),
	}
	if t.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.IsOpenAPI31OrLater())
	}
	if t.IsOpenAPI32OrLater() {
		opts = append(opts, openapi3.IsOpenAPI32OrLater())
	}
	ctx = openapi3.WithValidationOptions(ctx, opts...)
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		if err := list.Validate(ctx); err != nil {
			return err
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if err := rb.Value.Validate(ctx); err != nil {
			return fmt.Errorf("request body: %w", err)
		}
	}
	return nil
}

// conflictingPaths names paths that differ only in their parameter names
// ("/t/{a}" and "/t/{b}"): a server cannot route them apart.
func conflictingPaths(keys []string) []string {
	seen := make(map[string]string, len(keys))
	var out []string
	for _, p := range keys {
		norm := normTemplate(p)
		if other, ok := seen[norm]; ok {
			out = append(out, fmt.Sprintf("conflicting paths %q and %q", other, p))
			continue
		}
		seen[norm] = p
	}
	sort.Strings(out)
	return listed("%s", "conflicting paths", out)
}

// normTemplate replaces every {name} of a path by {}.
func normTemplate(p string) string {
	if !strings.Contains(p, "{") {
		return p
	}
	var b strings.Builder
	depth := 0
	for _, r := range p {
		switch {
		case r == '{':
			if depth == 0 {
				b.WriteString("{}")
			}
			depth++
		case r == '}' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
