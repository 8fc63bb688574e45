package openapi

import (
	"bytes"

	yaml "github.com/oasdiff/yaml3"
)

// yaml3 builds a node tree of the whole document before anything can be
// read from it: for a 40 MB document that is most of a gigabyte. A large
// block-style document is therefore parsed in pieces: each top-level key
// (and each child of a large one, such as every path of "paths") on its
// own, and each piece is converted and released before the next is
// parsed. Whatever the pieces cannot express as the whole would (an alias
// to an anchor in another piece, directives, several documents) makes a
// piece fail, and the document is parsed whole instead.

// chunkMinBytes is the size from which a document, or one of its
// top-level values, is parsed in pieces.
const chunkMinBytes = 1 << 20

// span is a run of whole lines of the document: data[start:end], whose
// first line is line (1-based).
type span struct {
	start, end, line int
}

// piece is a run of lines parsed on its own: a block mapping whose keys go
// into the root, or (under != "") into the root's mapping under that key.
type piece struct {
	sp        span
	under     string
	dropReads bool // a path item whose HEAD, OPTIONS and TRACE operations are parsed as {} (getskip.go)
}

// parseWorkers is how many pieces are parsed at once; converting them
// stays in order, on one goroutine.
const parseWorkers = 2

// parseYAMLChunked parses data piecewise; ok is false when data must be
// parsed whole (too small, not plain block style, or a piece failed).
func parseYAMLChunked(data []byte) (any, bool) {
	if len(data) < chunkMinBytes {
		return nil, false
	}
	tops, ok := splitAt(data, span{0, len(data), 1}, 0)
	if !ok || len(tops) == 0 {
		return nil, false
	}
	c := &yamlConv{budget: 4*len(data) + 1000}
	var pieces []piece
	drop := getsPrunable(data)
	for _, sp := range tops {
		for _, pc := range c.split(data, sp) {
			pc.dropReads = drop && pc.under == "paths"
			pieces = append(pieces, pc)
		}
	}
	next, stop := parseAll(data, pieces)
	defer stop()
	root := map[string]any{}
	for i, pc := range pieces {
		n := next(i)
		if n == nil {
			return nil, false
		}
		into := root
		if pc.under != "" {
			m, ok := root[pc.under].(map[string]any)
			if !ok {
				if _, dup := root[pc.under]; dup {
					return nil, false
				}
				m = map[string]any{}
				root[pc.under] = m
			}
			into = m
		}
		if !c.convertInto(into, n, pc.sp, pc.dropReads) {
			return nil, false
		}
	}
	return root, true
}

// split cuts one top-level key's lines into the children of its mapping
// when they are large, or returns them as one piece.
func (c *yamlConv) split(data []byte, sp span) []piece {
	whole := []piece{{sp: sp}}
	head, body, ok := headLine(data, sp)
	if !ok || sp.end-sp.start < chunkMinBytes {
		return whole
	}
	key, ok := c.keyOf(data, head)
	if !ok || key == "" {
		return whole
	}
	indent, ok := childIndent(data, body)
	if !ok {
		return whole
	}
	children, ok := splitAt(data, body, indent)
	if !ok {
		return whole
	}
	out := make([]piece, len(children))
	for i, ch := range children {
		out[i] = piece{sp: ch, under: key}
	}
	return out
}

// parseAll parses the pieces parseWorkers at a time, never more than that
// many ahead of the reader. next(i) waits for piece i (nil when it failed)
// and must be called in order; stop releases the workers when the reader
// gives up early.
func parseAll(data []byte, pieces []piece) (next func(int) *yaml.Node, stop func()) {
	results := make([]chan *yaml.Node, len(pieces))
	for i := range results {
		results[i] = make(chan *yaml.Node, 1)
	}
	slots := make(chan struct{}, parseWorkers)
	done := make(chan struct{})
	go func() {
		for i, pc := range pieces {
			select {
			case slots <- struct{}{}:
			case <-done:
				return
			}
			go func() {
				var doc yaml.Node
				text := data[pc.sp.start:pc.sp.end]
				if pc.dropReads {
					text = dropReadBlocks(text)
				}
				if err := yaml.Unmarshal(text, &doc); err != nil {
					results[i] <- nil
					return
				}
				results[i] <- &doc
			}()
		}
	}()
	next = func(i int) *yaml.Node {
		n := <-results[i]
		<-slots
		return n
	}
	return next, func() { close(done) }
}

// convertInto converts the document node of one piece and adds its keys
// to m; with trimReads, the piece's path items' GETs are trimmed first
// (getskip.go), so the tree never holds what prune would drop of them.
func (c *yamlConv) convertInto(m map[string]any, doc *yaml.Node, sp span, trimReads bool) bool {
	if len(doc.Content) == 0 {
		return true // comments only
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode {
		return false
	}
	c.lineBase = sp.line - 1
	defer func() { c.lineBase = 0 }()
	part := map[string]any{}
	if err := c.mapping(part, n, 1, true); err != nil {
		return false
	}
	if trimReads {
		for _, item := range part {
			trimGet(item)
		}
	}
	for k, v := range part {
		if _, dup := m[k]; dup {
			return false
		}
		m[k] = v
	}
	return true
}

// keyOf parses a "key:" line on its own.
func (c *yamlConv) keyOf(data []byte, head span) (string, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data[head.start:head.end], &doc); err != nil || len(doc.Content) == 0 {
		return "", false
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 || n.Content[0].Kind != yaml.ScalarNode ||
		n.Content[0].ShortTag() == "!!merge" || n.Content[1].ShortTag() != "!!null" || n.Content[1].Value != "" {
		return "", false
	}
	return n.Content[0].Value, true
}

// headLine splits sp into its first line and the rest.
func headLine(data []byte, sp span) (span, span, bool) {
	i := bytes.IndexByte(data[sp.start:sp.end], '\n')
	if i < 0 {
		return span{}, span{}, false
	}
	cut := sp.start + i + 1
	return span{sp.start, cut, sp.line}, span{cut, sp.end, sp.line + 1}, true
}

// childIndent is the indentation of the first line of body that holds a
// mapping key; false when it holds anything else (a sequence, a scalar).
func childIndent(data []byte, body span) (int, bool) {
	for pos := body.start; pos < body.end; {
		end := lineEnd(data, pos, body.end)
		line := data[pos:end]
		n := len(line) - len(bytes.TrimLeft(line, " "))
		rest := bytes.TrimSpace(line[n:])
		if len(rest) > 0 && rest[0] != '#' {
			if n == 0 || !keyStart(rest[0]) {
				return 0, false
			}
			return n, true
		}
		pos = end
	}
	return 0, false
}

// splitAt cuts sp before every line indented by exactly indent spaces that
// starts a key; lines before the first such line belong to the first
// piece. It refuses (false) what a piece could not hold: tabs or other
// markers at that indentation, or a top level that is not a plain block
// mapping.
func splitAt(data []byte, sp span, indent int) ([]span, bool) {
	var out []span
	cur := span{sp.start, sp.start, sp.line}
	started := false
	line := sp.line
	for pos := sp.start; pos < sp.end; {
		end := lineEnd(data, pos, sp.end)
		text := data[pos:end]
		n := len(text) - len(bytes.TrimLeft(text, " "))
		rest := bytes.TrimRight(text[n:], "\r\n")
		switch {
		case len(rest) == 0 || rest[0] == '#':
			// blank or comment: stays with the current piece
		case n < indent:
			return nil, false
		case n == indent:
			if indent == 0 && !started && bytes.Equal(bytes.TrimSpace(rest), []byte("---")) {
				break // an explicit start of the one document
			}
			if rest[0] == '-' && started && !bytes.HasPrefix(rest, []byte("---")) {
				break // a sequence may sit at its key's indentation
			}
			if !keyStart(rest[0]) {
				return nil, false
			}
			if started {
				cur.end = pos
				out = append(out, cur)
				cur = span{pos, pos, line}
			}
			started = true
		case rest[0] == '\t':
			return nil, false
		}
		pos = end
		line++
	}
	cur.end = sp.end
	if started {
		out = append(out, cur)
	}
	return out, started
}

// keyStart reports whether a line that starts with c can start a plain
// mapping key piece: not a sequence entry, flow collection, anchor,
// alias, tag, directive, document marker or complex key.
func keyStart(c byte) bool {
	switch c {
	case '-', '[', ']', '{', '}', '&', '*', '!', '%', '?', '|', '>', '@', '`', '\t', ',', ':':
		return false
	}
	return true
}

func lineEnd(data []byte, pos, limit int) int {
	if i := bytes.IndexByte(data[pos:limit], '\n'); i >= 0 {
		return pos + i + 1
	}
	return limit
}
