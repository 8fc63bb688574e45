package openapi

import "bytes"

// prune (prune.go) replaces every HEAD, OPTIONS and TRACE operation of a
// single-file document by {}: no plan reads them. So the piecewise parse
// (yamlchunks.go) does not parse them at all: their lines are blanked
// (line numbers stay right) and the key reads "head: {}". It does so only
// when nothing can point into them: no $ref names "#/paths", and every
// $ref is internal (no other file could name this one's paths). GETs are
// parsed: the planned reads (reads.go) use their required parameters and
// the shape of their responses, which prune keeps (prune_reads.go); each
// is trimmed as its piece is converted (trimGet) to what prune reads, so a
// large document's tree holds no GET's prose or error responses.

// getsPrunable reports whether the read operations of data may be skipped.
func getsPrunable(data []byte) bool {
	if bytes.Contains(data, []byte("#/paths")) || bytes.Contains(data, []byte("swagger:")) {
		return false
	}
	rest := data
	for {
		i := bytes.Index(rest, []byte("$ref"))
		if i < 0 {
			return true
		}
		rest = rest[i+4:]
		v := bytes.TrimLeft(rest, "\"' \t:")
		if len(v) == 0 || (v[0] != '#' && v[0] != '"' && v[0] != '\'') {
			return false
		}
		if (v[0] == '"' || v[0] == '\'') && (len(v) < 2 || v[1] != '#') {
			return false
		}
	}
}

// readMethods are the operation keys prune empties.
var readMethods = [][]byte{[]byte("head:"), []byte("options:"), []byte("trace:")}

// dropReadBlocks returns the lines of one path item (its key line first)
// with the blocks of its read operations blanked, or text itself when it
// has none.
func dropReadBlocks(text []byte) []byte {
	var out []byte
	indent := -1
	blanking := false
	for pos := 0; pos < len(text); {
		end := lineEnd(text, pos, len(text))
		line := text[pos:end]
		n := len(line) - len(bytes.TrimLeft(line, " "))
		body := bytes.TrimRight(line[n:], " \r\n")
		content := len(body) > 0 && body[0] != '#'
		switch {
		case pos == 0 || !content && !blanking:
		case blanking && (!content || n > indent):
			out = append(out, '\n')
			pos = end
			continue
		default:
			blanking = false
			if indent < 0 {
				indent = n
			}
			if n == indent && isReadKey(body) {
				if out == nil {
					out = append(make([]byte, 0, len(text)), text[:pos]...)
				}
				out = append(out, line[:n]...)
				out = append(out, body...)
				out = append(out, " {}\n"...)
				blanking = true
				pos = end
				continue
			}
		}
		if out != nil {
			out = append(out, line...)
		}
		pos = end
	}
	if out == nil {
		return text
	}
	return out
}

// isReadKey reports whether a line is exactly "head:" (or another
// unplanned read method) with its block below.
func isReadKey(body []byte) bool {
	for _, k := range readMethods {
		if bytes.Equal(body, k) {
			return true
		}
	}
	return false
}

// trimGet keeps of a path item's GET what prune reads of it
// (readOperation): its operationId, parameters and 2xx responses, of
// those their $ref or the schemas of their content; and its position.
// Parameters stay whole: which are required is known only once their
// $refs can be resolved.
func trimGet(v any) {
	item, ok := v.(map[string]any)
	if !ok {
		return
	}
	get, ok := item["get"].(map[string]any)
	if !ok {
		return
	}
	for k := range get {
		switch k {
		case "operationId", "parameters", "responses", posKey:
		default:
			delete(get, k)
		}
	}
	rs, _ := get["responses"].(map[string]any)
	for code, r := range rs {
		rm, ok := r.(map[string]any)
		if !ok || code == "" || code[0] != '2' {
			delete(rs, code)
			continue
		}
		if _, isRef := rm["$ref"]; isRef {
			continue
		}
		kept := map[string]any{}
		if content, ok := rm["content"].(map[string]any); ok {
			for name, mv := range content {
				if mt, ok := mv.(map[string]any); ok {
					content[name] = map[string]any{"schema": mt["schema"]}
				}
			}
			kept["content"] = content
		}
		rs[code] = kept
	}
}
