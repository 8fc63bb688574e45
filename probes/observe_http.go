package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// HTTPObserver is a user-declared observer: a GET on the API and a JSON
// pointer into its response, to a number (a counter: emails sent, events
// queued) or to an array (a collection, whose items are diffed and can be
// attributed by the canary).
type HTTPObserver struct {
	// Label names the observer in reports (the configuration's name).
	Label string
	// Path is the GET path, relative to the base URL: "/v1/emails/sent".
	Path string
	// Pointer is the JSON pointer to the number or array: "/count".
	Pointer string
}

// Name implements Observer.
func (h *HTTPObserver) Name() string {
	return observerName(h.Label, "GET "+h.Path+" "+h.Pointer)
}

// Snapshot implements Observer.
func (h *HTTPObserver) Snapshot(ctx context.Context, a Access) (Snapshot, error) {
	_, v, err := getJSON(ctx, a, joinURL(a.BaseURL, h.Path), nil)
	if err != nil {
		return Snapshot{}, fmt.Errorf("GET %s: %w", h.Path, err)
	}
	at, ok := resolvePointer(v, h.Pointer)
	if !ok {
		return Snapshot{}, fmt.Errorf("GET %s: pointer %s resolves to nothing in the response (%s)", h.Path, h.Pointer, shape(v))
	}
	switch t := at.(type) {
	case json.Number:
		n, err := countOf(t)
		if err != nil {
			return Snapshot{}, fmt.Errorf("GET %s: pointer %s: %w", h.Path, h.Pointer, err)
		}
		return Snapshot{Count: n}, nil
	case []any:
		items := toItems(t)
		return Snapshot{Count: len(items), Items: items}, nil
	}
	return Snapshot{}, fmt.Errorf("GET %s: pointer %s is %s, not a number or an array", h.Path, h.Pointer, kindOf(at))
}

// observerName is the configured label, or what is observed.
func observerName(label, what string) string {
	if label != "" {
		return label + " (" + what + ")"
	}
	return what
}

// getJSON GETs u with the read's own headers (the GET's required ones,
// openapi.Request.Header; nil for none), then the user's, which win, and
// decodes a 2xx JSON body.
func getJSON(ctx context.Context, a Access, u string, own http.Header) (*reply, any, error) {
	req, err := http.NewRequest(http.MethodGet, u, http.NoBody)
	if err != nil {
		return nil, nil, err
	}
	for name, vs := range own {
		req.Header[http.CanonicalHeaderKey(name)] = vs
	}
	req.Header.Set("Accept", "application/json")
	for name, vs := range a.Header {
		req.Header[name] = vs
	}
	r, err := a.send(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if !r.is2xx() {
		return r, nil, fmt.Errorf("answered %d", r.Status)
	}
	var v any
	if err := unmarshalJSON(r.Body, &v); err != nil { // jsonnum.go: numbers stay exact
		return r, nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	return r, v, nil
}

// joinURL appends a path (with its query, if any) to the base URL.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

// readURL is the URL of a planned read (openapi.Request: the GET's
// required query parameters included) at path, which replaces the read's
// own (a created resource's id filled in): the base URL, path, query.
func readURL(base, path string, read *openapi.Request) string {
	u := joinURL(base, path)
	if read != nil && len(read.Query) > 0 {
		u += "?" + read.Query.Encode()
	}
	return u
}

// readHeader is the read's own headers; nil without a planned read.
func readHeader(read *openapi.Request) http.Header {
	if read == nil {
		return nil
	}
	return read.Header
}

// resolvePointer finds the value at a JSON pointer (RFC 6901); "" is the
// whole document.
func resolvePointer(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := v
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			next, ok := t[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// toItems turns a JSON array into items, identified by their id field (or
// a summary of their JSON when they have none), duplicates dropped.
func toItems(a []any) []Item {
	items := make([]Item, 0, len(a))
	seen := map[string]bool{}
	for _, e := range a {
		b, _ := json.Marshal(e) // encoding/json sorts map keys: canonical
		it := Item{ID: itemID(e, b), JSON: string(b)}
		if seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		items = append(items, it)
	}
	return items
}

// itemID is an item's id, uuid or _id field, else its JSON capped.
func itemID(e any, b []byte) string {
	if m, ok := e.(map[string]any); ok {
		for _, f := range []string{"id", "uuid", "_id", "ID", "Id"} {
			switch t := m[f].(type) {
			case string:
				if t != "" {
					return t
				}
			case json.Number:
				return t.String()
			}
		}
	}
	if len(b) > 80 {
		return string(b[:77]) + "…"
	}
	return string(b)
}

// shape describes a JSON document briefly, to help fix a pointer.
func shape(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "the response is " + kindOf(v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, "/"+k)
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "…")
	}
	return "its top-level fields: " + strings.Join(keys, ", ")
}

// kindOf names a JSON value's type.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// sameOrigin reports whether u is on the base URL's scheme and host.
func sameOrigin(base string, u *url.URL) bool {
	b, err := url.Parse(base)
	return err == nil && strings.EqualFold(b.Scheme, u.Scheme) && strings.EqualFold(b.Host, u.Host)
}
