package openapi

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// decodeBracketForm parses an application/x-www-form-urlencoded body in
// the bracket style (a[b]=1, a[0][c]=x, as Stripe reads it) back into the
// JSON value it encodes, typing each leaf by the schema (integer, number,
// boolean; oneOf/anyOf branches tried in order), so that it can be checked
// with VisitJSON where kin-openapi's form decoder cannot read it.
func decodeBracketForm(raw string, sr *openapi3.SchemaRef) (any, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("form body: %w", err)
	}
	root := map[string]any{}
	for _, name := range sortedKeys(q) {
		toks, err := bracketTokens(name)
		if err != nil {
			return nil, err
		}
		for _, v := range q[name] {
			if err := put(root, toks, v); err != nil {
				return nil, fmt.Errorf("form field %s: %w", name, err)
			}
		}
	}
	return typed(root, sr, 0), nil
}

// bracketTokens splits "a[b][0]" into a, b, 0.
func bracketTokens(name string) ([]string, error) {
	i := strings.IndexByte(name, '[')
	if i < 0 {
		return []string{name}, nil
	}
	toks := []string{name[:i]}
	rest := name[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, fmt.Errorf("form field %q: text after ]", name)
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, fmt.Errorf("form field %q: unclosed [", name)
		}
		toks = append(toks, rest[1:j])
		rest = rest[j+1:]
	}
	return toks, nil
}

// put stores v at the path toks; a repeated leaf becomes a list.
func put(m map[string]any, toks []string, v string) error {
	k := toks[0]
	if len(toks) == 1 {
		switch old := m[k].(type) {
		case nil:
			m[k] = v
		case string:
			m[k] = []any{old, v}
		case []any:
			m[k] = append(old, v)
		default:
			return fmt.Errorf("%q is both an object and a value", k)
		}
		return nil
	}
	child, ok := m[k].(map[string]any)
	if !ok {
		if m[k] != nil {
			return fmt.Errorf("%q is both a value and an object", k)
		}
		child = map[string]any{}
		m[k] = child
	}
	return put(child, toks[1:], v)
}

// typed converts the decoded tree to the JSON types the schema expects.
func typed(v any, sr *openapi3.SchemaRef, depth int) any {
	if sr == nil || sr.Value == nil || depth > maxDepth {
		return v
	}
	s := flatten(sr)
	if branches := append(append([]*openapi3.SchemaRef(nil), s.OneOf...), s.AnyOf...); len(branches) > 0 {
		var first any
		for i, b := range branches {
			c := typed(v, b, depth+1)
			if i == 0 {
				first = c
			}
			if b.Value != nil && b.Value.VisitJSON(c, openapi3.VisitAsRequest()) == nil {
				return c
			}
		}
		return first
	}
	switch t := v.(type) {
	case map[string]any:
		if schemaType(s) == openapi3.TypeArray {
			idx := make([]int, 0, len(t))
			for k := range t {
				i, err := strconv.Atoi(k)
				if err != nil {
					return v
				}
				idx = append(idx, i)
			}
			sort.Ints(idx)
			out := make([]any, 0, len(idx))
			for _, i := range idx {
				out = append(out, typed(t[strconv.Itoa(i)], s.Items, depth+1))
			}
			return out
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			p := s.Properties[k]
			if p == nil {
				p = s.AdditionalProperties.Schema
			}
			out[k] = typed(e, p, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = typed(e, s.Items, depth+1)
		}
		return out
	case string:
		switch schemaType(s) {
		case openapi3.TypeInteger, openapi3.TypeNumber:
			if f, err := strconv.ParseFloat(t, 64); err == nil {
				return f
			}
		case openapi3.TypeBoolean:
			if b, err := strconv.ParseBool(t); err == nil {
				return b
			}
		case openapi3.TypeArray:
			return []any{typed(t, s.Items, depth+1)}
		}
	}
	return v
}

func isMultipart(o *Operation) bool {
	return o.Request.Body != nil && strings.HasPrefix(o.Request.Body.ContentType, "multipart/form-data")
}

// checkMultipartWire reads a built multipart request back from the wire
// (mime/multipart): JSON parts decoded, other parts typed by the schema, and
// validates the result against the body schema with VisitJSON.
func checkMultipartWire(hr *http.Request, op *openapi3.Operation) error {
	rc, err := hr.GetBody()
	if err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	mr := multipart.NewReader(rc, params["boundary"])
	v := map[string]any{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("multipart body: %w", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return err
		}
		if p.Header.Get("Content-Type") == "application/json" {
			var x any
			if err := json.Unmarshal(b, &x); err != nil {
				return fmt.Errorf("multipart part %s: %w", p.FormName(), err)
			}
			v[p.FormName()] = x
			continue
		}
		v[p.FormName()] = string(b)
	}
	mt := op.RequestBody.Value.Content.Get("multipart/form-data")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	if err := mt.Schema.Value.VisitJSON(typed(v, mt.Schema, 0), openapi3.VisitAsRequest()); err != nil {
		return cleanErr(fmt.Errorf("multipart body decoded from the wire: %w", err))
	}
	return nil
}
