package openapi

import (
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
)

// Findings point at the line to fix. The parse (tree.go) marks the line of
// every operation's method key; prep turns the mark into the extension
// posExt, which kin-openapi keeps on the Operation wherever it came from (a
// path item $ref'd from another file, an operation inlined from one), and
// the planner reads it back. One pass, no re-parse per operation.

// Position is where an operation is written in the document.
type Position struct {
	// File is the document as the user named it (--spec), or for an
	// operation in another file, that file's path joined to the document's
	// folder (or its URL).
	File string `json:"file"`
	// Line is the 1-based line of the operation's method key ("post:").
	Line int `json:"line"`
}

// posExt is the extension that carries an operation's position through
// kin-openapi. It names no idempotency, so docs.go never reads it.
const posExt = "x-idemcheck-position"

// position renders the parser's mark as the extension's value.
func (p *prep) position(v any) any {
	pos, ok := v.(srcPos)
	if !ok {
		return nil
	}
	if pos.file == "" {
		pos.file = p.file
	}
	return map[string]any{"file": pos.file, "line": pos.line}
}

// opPosition reads the position of op back, with its file as the user
// would name it; nil when the document did not say.
func (d *Document) opPosition(op *openapi3.Operation) *Position {
	if d == nil || op == nil {
		return nil
	}
	m, ok := op.Extensions[posExt].(map[string]any)
	if !ok {
		return nil
	}
	line, _ := m["line"].(float64)
	file, _ := m["file"].(string)
	if line < 1 {
		return nil
	}
	return &Position{File: d.displayFile(file), Line: int(line)}
}

// displayFile names a location as the user would: the document's own
// Source, or another file's path relative to the document's folder joined
// to the folder the user named.
func (d *Document) displayFile(loc string) string {
	switch {
	case loc == "" || loc == d.file:
		return d.Source
	case isURL(loc) || d.file == "" || isURL(d.file):
		return loc
	}
	rel, err := filepath.Rel(filepath.Dir(d.file), loc)
	if err != nil {
		return loc
	}
	return filepath.Join(filepath.Dir(d.Source), rel)
}
