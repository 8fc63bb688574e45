package openapi

import (
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestParamStyles: required parameters are serialised as their style and
// explode say, which is what the server (and openapi3filter) parses.
func TestParamStyles(t *testing.T) {
	f := false
	list := []any{"id", "name"}
	obj := map[string]any{"b": "2", "a": "1"}
	tests := []struct {
		name string
		p    *openapi3.Parameter
		v    any
		want string
	}{
		{"form exploded list", &openapi3.Parameter{Name: "fields", In: "query"}, list, "fields=id&fields=name"},
		{"form list", &openapi3.Parameter{Name: "fields", In: "query", Explode: &f}, list, "fields=id%2Cname"},
		{"pipes", &openapi3.Parameter{Name: "f", In: "query", Style: "pipeDelimited", Explode: &f}, list, "f=id%7Cname"},
		{"deep object", &openapi3.Parameter{Name: "filter", In: "query", Style: "deepObject"}, obj, "filter%5Ba%5D=1&filter%5Bb%5D=2"},
		{"form exploded object", &openapi3.Parameter{Name: "filter", In: "query"}, obj, "a=1&b=2"},
		{"form object", &openapi3.Parameter{Name: "filter", In: "query", Explode: &f}, obj, "filter=a%2C1%2Cb%2C2"},
		{"scalar", &openapi3.Parameter{Name: "customer_id", In: "query"}, 7.0, "customer_id=7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{}
			addQuery(q, tt.p, tt.v)
			if got := q.Encode(); got != tt.want {
				t.Errorf("query = %s, want %s", got, tt.want)
			}
		})
	}
	if got := simpleValue(&openapi3.Parameter{Name: "X", In: "header"}, list); got != "id,name" {
		t.Errorf("header list = %q", got)
	}
	if got := cookieValue(&openapi3.Parameter{Name: "session", In: "cookie"}, "abc"); got != "session=abc" {
		t.Errorf("cookie = %q", got)
	}
}
