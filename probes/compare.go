package probes

import (
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// replyView is the part of a response a replay must reproduce: the status,
// the body (parsed when JSON, volatile fields removed), and the headers that
// carry meaning for a client.
type replyView struct {
	Status      int
	ContentType string
	Location    string
	Body        any
}

// view reduces a reply to what is compared.
func view(r *reply, ignore []string) replyView {
	c := replyView{
		Status:      r.Status,
		ContentType: r.Header.Get("Content-Type"),
		Location:    r.Header.Get("Location"),
	}
	var v any
	if len(r.Body) > 0 && unmarshalJSON(r.Body, &v) == nil { // jsonnum.go: 64-bit ids stay distinct
		v = canonicalNumbers(v)
		for _, p := range ignore {
			v = removePointer(v, p)
		}
		c.Body = v
	} else {
		c.Body = string(r.Body)
	}
	return c
}

// diffReplies describes how got differs from want (diffview.go: the
// status, the headers compared and the body by JSON pointer, "want → got"),
// or returns "" when they are the same after the ignored fields are
// removed. Whether they are the same is cmp.Equal's answer.
func diffReplies(want, got *reply, ignore []string) string {
	a, b := view(want, ignore), view(got, ignore)
	if cmp.Equal(a, b) {
		return ""
	}
	return renderViews(a, b)
}

// removePointer deletes the value at JSON pointer p (RFC 6901) from v and
// returns v. A pointer that resolves to nothing leaves v unchanged.
func removePointer(v any, p string) any {
	if p == "" || p == "/" {
		return v
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(parts[i], "~1", "/"), "~0", "~")
	}
	cur := v
	for i, part := range parts {
		last := i == len(parts)-1
		switch t := cur.(type) {
		case map[string]any:
			if last {
				delete(t, part)
				return v
			}
			cur = t[part]
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(t) {
				return v
			}
			if last {
				t[n] = nil
				return v
			}
			cur = t[n]
		default:
			return v
		}
	}
	return v
}
