package openapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Real documents carry $refs that kin-openapi either refuses (a pointer into
// nothing), or would follow onto the network (a https:// ref, often sitting
// in an example value). prep rewrites the generic JSON/YAML tree before
// kin-openapi sees it, so that loading never fails on a dangling ref and
// never talks to a host the user did not name.

// walkMode says how the keys of a map are read.
type walkMode int

const (
	modeKeyword walkMode = iota // keys are OpenAPI/JSON Schema keywords
	modeNamed                   // keys are user names (properties, paths, …)
	modeData                    // a literal value: $refs are not references
)

// namedKeys are the keywords whose map value is keyed by user-chosen names.
var namedKeys = map[string]bool{
	"properties": true, "patternProperties": true, "definitions": true, "$defs": true,
	"schemas": true, "responses": true, "parameters": true, "requestBodies": true,
	"headers": true, "securitySchemes": true, "securityDefinitions": true, "links": true,
	"callbacks": true, "paths": true, "webhooks": true, "content": true, "encoding": true,
	"pathItems": true, "dependentSchemas": true, "variables": true, "examples": true,
}

// dataKeys are the keywords whose value is a literal instance, never a document part.
var dataKeys = map[string]bool{
	"example": true, "default": true, "enum": true, "const": true, "value": true,
}

// prep rewrites one file's tree. Its warnings are collected in a shared *notes.
type prep struct {
	root  any    // the tree of the file being rewritten, for internal pointers
	file  string // absolute path or URL of that file; "" when there is no location
	files *fileSet
	notes *notes
	path  []string // the keys from the root to the node being walked, for warnings
}

// walk returns node with its references made safe, in the given mode.
func (p *prep) walk(node any, mode walkMode) any {
	switch t := node.(type) {
	case []any:
		if mode == modeNamed {
			mode = modeKeyword // a list under "parameters" holds parameter objects
		}
		for i, e := range t {
			p.path = append(p.path, strconv.Itoa(i))
			t[i] = p.walk(e, mode)
			p.path = p.path[:len(p.path)-1]
		}
		return t
	case bigNumber:
		if mode == modeData {
			p.notes.bigData++
			return t.text // a value: kept, as text
		}
		return t
	case map[string]any:
		switch mode {
		case modeData:
			delete(t, posKey)
			if _, ok := t["$ref"]; ok {
				delete(t, "$ref")
				p.notes.exampleRefs++
			}
			for k, v := range t {
				t[k] = p.walk(v, modeData)
			}
			return t
		case modeNamed:
			delete(t, posKey)
			if ref, ok := t["$ref"].(string); ok {
				t = p.inlineNamed(t, ref) // properties: {$ref: file#/ptr}, not OpenAPI but seen
			}
			for k, v := range t {
				p.path = append(p.path, k)
				t[k] = p.walk(v, modeKeyword)
				p.path = p.path[:len(p.path)-1]
			}
			return t
		}
		if r, ok := t["$ref"]; ok {
			if !p.refOK(r) {
				return map[string]any{}
			}
		}
		for k, v := range t {
			p.path = append(p.path, k)
			switch {
			case k == posKey:
				t[posExt] = p.position(v)
				delete(t, k)
			case strings.HasPrefix(k, "x-"):
				// extensions are opaque: kin-openapi never resolves refs in
				// them, but they must not carry the parser's markers
				t[k] = stripMarks(v, 0)
			case numberKeys[k] != numAny:
				if !p.numberOK(k, v) {
					delete(t, k)
				}
			case dataKeys[k]:
				t[k] = p.walk(v, modeData)
			case k == "description" || k == "summary":
				t[k] = p.text(v)
			case k == "paths" || k == "webhooks":
				t[k] = p.paths(v)
			case namedKeys[k]:
				if _, isList := v.([]any); isList && k == "examples" {
					t[k] = p.walk(v, modeData) // JSON Schema 2020 examples: values
				} else {
					t[k] = p.walk(v, modeNamed)
				}
			default:
				t[k] = p.walk(v, modeKeyword)
			}
			p.path = p.path[:len(p.path)-1]
		}
		return t
	}
	return node
}

// refOK reports whether a $ref may be kept; it records why not otherwise.
func (p *prep) refOK(r any) bool {
	ref, ok := r.(string)
	if !ok {
		p.notes.add(&p.notes.dangling, fmt.Sprintf("non-string $ref %v", r))
		return false
	}
	if _, err := p.resolve(ref); err != nil {
		return false
	}
	return true
}

// resolve finds what ref points to, from the current file. A ref the
// policy refuses (refs.go) is never read.
func (p *prep) resolve(ref string) (any, error) {
	file, frag, _ := strings.Cut(ref, "#")
	if file == "" {
		v, err := pointer(p.root, frag)
		if err != nil {
			p.notes.add(&p.notes.dangling, ref)
		}
		return v, err
	}
	if p.file == "" {
		if u, err := url.Parse(file); err == nil && (u.Scheme != "" || u.Host != "") {
			p.notes.add(&p.notes.remote, ref)
		} else {
			p.notes.add(&p.notes.unrooted, ref)
		}
		return nil, errRemoteRef
	}
	loc, err := joinLoc(p.file, file)
	if err != nil {
		p.notes.add(&p.notes.dangling, ref)
		return nil, err
	}
	tree, err := p.files.tree(loc)
	if err != nil {
		p.notes.refused(ref, err)
		return nil, err
	}
	v, err := pointer(tree, frag)
	if err != nil {
		p.notes.add(&p.notes.dangling, ref)
	}
	return v, err
}

// text turns a description written as {$ref: file#/ptr} (DigitalOcean's tags)
// into the string it points to; OpenAPI wants a plain string there.
func (p *prep) text(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if ref, ok := m["$ref"].(string); ok {
		if s, err := p.resolve(ref); err == nil {
			if str, ok := s.(string); ok {
				return str
			}
		}
	}
	return ""
}

// inlineNamed replaces a name-keyed map written as a $ref by the map it
// points to (plus the siblings of the $ref), with its refs rebased.
func (p *prep) inlineNamed(t map[string]any, ref string) map[string]any {
	delete(t, "$ref")
	target, err := p.resolve(ref)
	if err != nil {
		return t
	}
	m, ok := target.(map[string]any)
	if !ok {
		return t
	}
	c := deepCopy(m).(map[string]any)
	if file, _, _ := strings.Cut(ref, "#"); file != "" && p.file != "" {
		if loc, err := joinLoc(p.file, file); err == nil {
			rebase(c, loc, p.file)
		}
	}
	for k, v := range t {
		c[k] = v
	}
	return c
}

// unescape undoes the percent-encoding some generators put into $refs.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// pointer resolves a JSON pointer fragment ("/components/schemas/A") in tree.
func pointer(tree any, frag string) (any, error) {
	frag = unescape(frag)
	if frag == "" || frag == "/" {
		return tree, nil
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, fmt.Errorf("pointer %q is not absolute", frag)
	}
	cur := tree
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("pointer %q: %q not found", frag, tok)
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil, fmt.Errorf("pointer %q: bad index %q", frag, tok)
			}
			cur = t[i]
		default:
			return nil, fmt.Errorf("pointer %q: %q not found", frag, tok)
		}
	}
	return cur, nil
}
