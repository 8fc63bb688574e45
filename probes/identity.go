package probes

import (
	"encoding/json"
	"path"
	"strings"
)

// resourceID names the resource a reply is about: the "id" of its JSON body
// (top level, or inside a "data" envelope), else the last segment of its
// Location header; "" when it names none. Two replies that name the same
// resource are answers about the same object, whatever else differs.
func resourceID(r *reply) string {
	if r == nil {
		return ""
	}
	var v map[string]any
	if unmarshalJSON(r.Body, &v) == nil { // jsonnum.go: 64-bit ids stay distinct
		if id := idField(v); id != "" {
			return id
		}
		if d, ok := v["data"].(map[string]any); ok {
			if id := idField(d); id != "" {
				return id
			}
		}
	}
	if loc := r.Header.Get("Location"); loc != "" {
		if i := strings.IndexAny(loc, "?#"); i >= 0 {
			loc = loc[:i]
		}
		return path.Base(strings.TrimRight(loc, "/"))
	}
	return ""
}

// idField returns m's "id" as a string, numbers included, as written.
func idField(m map[string]any) string {
	switch id := m["id"].(type) {
	case string:
		return id
	case json.Number:
		return id.String()
	}
	return ""
}
