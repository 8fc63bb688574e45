package generic

import (
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Form bodies are decoded here and validated with kin-openapi's schema
// validator. kin-openapi's own form decoder does not read the bracket
// notation that real form APIs take and their clients send: Stripe's
// enabled_events[0]=*, items[0][price]=…, metadata[order]=… (it reads
// deepObject objects only), and registering a decoder of our own with
// openapi3filter.RegisterBodyDecoder would change every other user of
// kin-openapi in the process (idemcheck itself, in the tests).

var bracketRE = regexp.MustCompile(`\[([^\[\]]*)\]`)

// formMedia returns the urlencoded media type of op that the request's
// Content-Type names, or nil when the body is not such a form.
func formMedia(op *openapi3.Operation, contentType string) *openapi3.MediaType {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/x-www-form-urlencoded" || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	for name, m := range op.RequestBody.Value.Content {
		if strings.HasPrefix(strings.ToLower(name), "application/x-www-form-urlencoded") && m != nil && m.Schema != nil && m.Schema.Value != nil {
			return m
		}
	}
	return nil
}

// decodeForm turns a form into the JSON value its schema describes:
// a[b]=… is a member, a[0]=… and a[]=… are array items, and a repeated
// plain key is an array; scalars are converted to the schema's types.
func decodeForm(body string, sch *openapi3.SchemaRef) (map[string]any, error) {
	values, err := url.ParseQuery(body)
	if err != nil {
		return nil, fmt.Errorf("not a form: %v", err)
	}
	root := map[string]any{}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, rest, _ := strings.Cut(k, "[")
		path := []string{name}
		if rest != "" {
			for _, m := range bracketRE.FindAllStringSubmatch("["+rest, -1) {
				path = append(path, m[1])
			}
		}
		for _, v := range values[k] {
			if err := setPath(root, path, v); err != nil {
				return nil, fmt.Errorf("field %s: %v", k, err)
			}
		}
	}
	out := coerce(root, sch, 0)
	m, _ := out.(map[string]any)
	return m, nil
}

// setPath stores v at path; numeric and empty tokens are collected as
// ordered members ("#0", "#1", …) and turned into arrays by coerce.
func setPath(node map[string]any, path []string, v string) error {
	for i, tok := range path {
		last := i == len(path)-1
		if tok == "" {
			tok = fmt.Sprintf("#%d", len(node))
		} else if _, err := strconv.Atoi(tok); err == nil {
			tok = "#" + tok
		}
		if last {
			switch cur := node[tok].(type) {
			case nil:
				node[tok] = v
			case []any:
				node[tok] = append(cur, v)
			case string:
				node[tok] = []any{cur, v} // a=1&a=2
			default:
				return fmt.Errorf("both a value and members")
			}
			return nil
		}
		next, ok := node[tok].(map[string]any)
		if !ok {
			if node[tok] != nil {
				return fmt.Errorf("both a value and members")
			}
			next = map[string]any{}
			node[tok] = next
		}
		node = next
	}
	return nil
}

// coerce converts a decoded form value to sch's types.
func coerce(v any, sch *openapi3.SchemaRef, depth int) any {
	if depth > 32 {
		return v
	}
	var s *openapi3.Schema
	if sch != nil {
		s = sch.Value
	}
	switch t := v.(type) {
	case map[string]any:
		if isIndexed(t) && (s == nil || wants(s, "array") || !wants(s, "object")) {
			return coerce(indexedList(t), sch, depth)
		}
		props := openapi3.Schemas{}
		var extra *openapi3.SchemaRef
		if s != nil {
			props = properties(s)
			extra = s.AdditionalProperties.Schema
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			name := strings.TrimPrefix(k, "#") // a numeric member name of an object
			p := props[name]
			if p == nil {
				p = extra
			}
			out[name] = coerce(e, p, depth+1)
		}
		return out
	case []any:
		var items *openapi3.SchemaRef
		if s != nil {
			items = s.Items
			for _, alt := range alternatives(s) {
				if alt.Value != nil && alt.Value.Items != nil {
					items = alt.Value.Items
				}
			}
		}
		if s != nil && !wants(s, "array") && len(t) == 1 {
			return coerce(t[0], sch, depth) // a=1 sent twice by no one; a single value
		}
		for i, e := range t {
			t[i] = coerce(e, items, depth+1)
		}
		return t
	case string:
		if s == nil {
			return t
		}
		if c, ok := coerceAlternative(t, s, depth); ok {
			return c
		}
		if wants(s, "array") && !wants(s, "string") { // enabled_events=* for a list
			return []any{coerce(t, s.Items, depth+1)}
		}
		if wants(s, "string") {
			return t
		}
		if wants(s, "integer") || wants(s, "number") {
			if f, err := strconv.ParseFloat(t, 64); err == nil {
				return f
			}
		}
		if wants(s, "boolean") {
			if b, err := strconv.ParseBool(t); err == nil {
				return b
			}
		}
	}
	return v
}

// coerceAlternative converts a form value to the first of s's anyOf or
// oneOf alternatives that accepts it once converted: Stripe's
// application_fee_amount, anyOf an integer and the empty string (which
// unsets it), reads "1" as the integer 1 and "" as the empty string. A
// form value is text whatever its type, so "accepts values of type string"
// says nothing until the string alternative's enum has been asked.
func coerceAlternative(v string, s *openapi3.Schema, depth int) (any, bool) {
	for _, alt := range append(append(openapi3.SchemaRefs{}, s.AnyOf...), s.OneOf...) {
		if alt == nil || alt.Value == nil {
			continue
		}
		c := coerce(v, alt, depth+1)
		if alt.Value.VisitJSON(c, openapi3.VisitAsRequest()) == nil {
			return c, true
		}
	}
	return nil, false
}

// wants reports whether s, or one of its alternatives, accepts values of
// type typ.
func wants(s *openapi3.Schema, typ string) bool {
	if s.Type != nil && s.Type.Includes(typ) {
		return true
	}
	for _, alt := range alternatives(s) {
		if alt.Value != nil && alt.Value.Type != nil && alt.Value.Type.Includes(typ) {
			return true
		}
	}
	return s.Type.IsEmpty() && len(alternatives(s)) == 0 && typ == typeOf(s)
}

func alternatives(s *openapi3.Schema) openapi3.SchemaRefs {
	return append(append(append(openapi3.SchemaRefs{}, s.AnyOf...), s.OneOf...), s.AllOf...)
}

func isIndexed(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		if !strings.HasPrefix(k, "#") {
			return false
		}
	}
	return true
}

func indexedList(m map[string]any) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.Atoi(keys[i][1:])
		b, _ := strconv.Atoi(keys[j][1:])
		return a < b
	})
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
