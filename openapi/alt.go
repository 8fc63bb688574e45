package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The mismatch-body probe reuses a key with a different payload. The
// difference must be meaningful (a server may ignore a cosmetic one) and the
// payload must be valid (or a rejection proves nothing), so AltBody changes
// one field, preferring amounts and quantities, and proves the result.

// maxAltTries bounds the validations spent looking for an alternative body.
const maxAltTries = 24

// leaf is a scalar inside a body, addressed by its path of keys/indices.
type leaf struct {
	path []any // string keys and int indices
	v    any
}

// altBody returns a valid body that differs from req.Body in one field
// that is not the key, or nil.
func (s *synth) altBody(req *Request) *Body {
	if req.Body == nil {
		return nil
	}
	var leaves []leaf
	collectLeaves(req.Body.Value, nil, &leaves, 0)
	sort.SliceStable(leaves, func(i, j int) bool { return leafRank(leaves[i]) < leafRank(leaves[j]) })
	top := flatten(s.media.schema())
	tries := 0
	for _, l := range leaves {
		if len(l.path) == 1 && l.path[0] == s.keyField() {
			continue
		}
		for _, alt := range alternatives(l, top) {
			if tries >= maxAltTries {
				return nil
			}
			tries++
			v := setAt(deepCopy(req.Body.Value), l.path, alt)
			b := &Body{ContentType: req.Body.ContentType, Value: v}
			if s.check(req, b) == nil {
				return b
			}
		}
	}
	// Nothing to vary: add an optional free-form field instead.
	if m, ok := req.Body.Value.(map[string]any); ok {
		for _, name := range freeFormFields {
			p := top.Properties[name]
			if _, set := m[name]; set || p == nil || p.Value == nil || p.Value.ReadOnly || !isPlainString(p.Value) {
				continue
			}
			c := deepCopy(m).(map[string]any)
			c[name] = "idemcheck alternative"
			b := &Body{ContentType: req.Body.ContentType, Value: c}
			if s.check(req, b) == nil {
				return b
			}
		}
	}
	return nil
}

func collectLeaves(v any, path []any, out *[]leaf, depth int) {
	if depth > maxDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			collectLeaves(t[k], append(append([]any(nil), path...), k), out, depth+1)
		}
	case []any:
		for i, e := range t {
			collectLeaves(e, append(append([]any(nil), path...), i), out, depth+1)
		}
	case nil:
	default:
		*out = append(*out, leaf{path: path, v: v})
	}
}

// leafRank puts amounts and quantities first: changing them is what a
// server that ignores the payload on replay would get most wrong.
func leafRank(l leaf) int {
	name := ""
	for i := len(l.path) - 1; i >= 0; i-- {
		if s, ok := l.path[i].(string); ok {
			name = strings.ToLower(s)
			break
		}
	}
	switch {
	case strings.Contains(name, "amount") || strings.Contains(name, "quantity") || name == "value" || strings.Contains(name, "price"):
		return 0
	case strings.Contains(name, "name") || strings.Contains(name, "description") ||
		strings.Contains(name, "note") || strings.Contains(name, "memo") || strings.Contains(name, "reference"):
		return 1
	}
	switch v := l.v.(type) {
	case float64, int64:
		return 2
	case string:
		if strings.Contains(v, "@") || strings.Contains(v, "://") {
			return 5 // a changed address is valid but reads as a typo
		}
		return 3
	}
	return 4
}

// alternatives are other values for a leaf, most plausible first.
func alternatives(l leaf, top *openapi3.Schema) []any {
	var out []any
	if len(l.path) == 1 {
		if p := top.Properties[fmt.Sprint(l.path[0])]; p != nil && p.Value != nil {
			for _, e := range p.Value.Enum {
				if e != nil && fmt.Sprint(e) != fmt.Sprint(l.v) {
					out = append(out, e)
				}
			}
		}
	}
	switch t := l.v.(type) {
	case int64:
		out = append(out, t+1, t-1, t*2)
	case float64:
		out = append(out, t+1, t-1, t*2)
	case bool:
		out = append(out, !t)
	case string:
		out = append(out, t+"2", bumpLast(t))
	}
	return out
}

// bumpLast changes the last character of s within its class (digit, letter).
func bumpLast(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return "x"
	}
	c := r[len(r)-1]
	switch {
	case c >= '0' && c < '9', c >= 'a' && c < 'z', c >= 'A' && c < 'Z':
		c++
	case c == '9':
		c = '0'
	case c == 'z':
		c = 'a'
	case c == 'Z':
		c = 'A'
	}
	r[len(r)-1] = c
	return string(r)
}

// setAt sets the value at path inside v (which it modifies) and returns v.
func setAt(v any, path []any, x any) any {
	if len(path) == 0 {
		return x
	}
	switch t := v.(type) {
	case map[string]any:
		k := path[0].(string)
		t[k] = setAt(t[k], path[1:], x)
	case []any:
		i := path[0].(int)
		t[i] = setAt(t[i], path[1:], x)
	}
	return v
}
