package openapi

import (
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Parameters are serialised as their style and explode say (OpenAPI 3
// "Style Values"): query parameters in form (explode: repeated names, or
// one name per object property), spaceDelimited, pipeDelimited or
// deepObject style; headers and path parameters in simple style; cookies
// in form style.

// style returns p's style and explode, with the OpenAPI defaults.
func style(p *openapi3.Parameter) (string, bool) {
	sm, err := p.SerializationMethod()
	if err != nil || sm == nil {
		return openapi3.SerializationForm, true
	}
	return sm.Style, sm.Explode
}

// addQuery adds query parameter p with value v to q.
func addQuery(q url.Values, p *openapi3.Parameter, v any) {
	st, explode := style(p)
	switch t := v.(type) {
	case []any:
		parts := scalarStrings(t)
		switch {
		case st == openapi3.SerializationSpaceDelimited && !explode:
			q.Set(p.Name, strings.Join(parts, " "))
		case st == openapi3.SerializationPipeDelimited && !explode:
			q.Set(p.Name, strings.Join(parts, "|"))
		case explode:
			for _, e := range parts {
				q.Add(p.Name, e)
			}
		default:
			q.Set(p.Name, strings.Join(parts, ","))
		}
	case map[string]any:
		keys := sortedKeys(t)
		switch {
		case st == openapi3.SerializationDeepObject:
			for _, k := range keys {
				s, _ := scalarString(t[k])
				q.Set(p.Name+"["+k+"]", s)
			}
		case explode:
			for _, k := range keys {
				s, _ := scalarString(t[k])
				q.Set(k, s)
			}
		default:
			q.Set(p.Name, strings.Join(pairs(t, keys, ","), ","))
		}
	default:
		s, _ := scalarString(v)
		q.Set(p.Name, s)
	}
}

// simpleValue serialises v in simple style (headers, path parameters):
// arrays comma-joined, objects as k,v,… or, exploded, k=v,….
func simpleValue(p *openapi3.Parameter, v any) string {
	if m, ok := v.(map[string]any); ok {
		_, explode := style(p)
		sep := ","
		if explode {
			sep = "="
		}
		return strings.Join(pairs(m, sortedKeys(m), sep), ",")
	}
	s, _ := scalarString(v)
	return s
}

// cookieValue is p's Cookie header pair, in form style.
func cookieValue(p *openapi3.Parameter, v any) string {
	return p.Name + "=" + simpleValue(p, v)
}

// pairs renders an object's properties as "k<sep>v" strings.
func pairs(m map[string]any, keys []string, sep string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		s, _ := scalarString(m[k])
		out = append(out, k+sep+s)
	}
	return out
}

// scalarStrings renders each element of a list.
func scalarStrings(l []any) []string {
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := scalarString(e)
		out = append(out, s)
	}
	return out
}
