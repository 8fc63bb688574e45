package probes

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// A refused control is an error, never a verdict; the error line says why
// the server refused it, in the server's own words, so the user knows what
// to change.

// maxQuoted bounds how much of a body a refusal quotes.
const maxQuoted = 200

// refusal describes a refused reply: "status 400: \"Idempotency-Key must be
// a UUID\"", quoting the message/detail/error field of a JSON body, else
// the start of the body.
func refusal(r *reply) string {
	if r == nil {
		return "no response"
	}
	msg := serverMessage(r.Body)
	if msg == "" {
		return fmt.Sprintf("status %d", r.Status)
	}
	return fmt.Sprintf("status %d: %q", r.Status, msg)
}

// serverMessage is what a response body says, on one line: a JSON body's
// message, detail or error (also nested: {"error": {"message": …}}, or the
// first of an errors list), else its first maxQuoted characters.
func serverMessage(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		if m := messageIn(v, 0); m != "" {
			return clip(m)
		}
	}
	return clip(string(body))
}

func messageIn(v any, depth int) string {
	if depth > 3 {
		return ""
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range []string{"message", "detail", "error_description", "error", "title", "errors"} {
			switch f := t[k].(type) {
			case string:
				if strings.TrimSpace(f) != "" {
					return f
				}
			case map[string]any, []any:
				if m := messageIn(f, depth+1); m != "" {
					return m
				}
			}
		}
	case []any:
		if len(t) > 0 {
			return messageIn(t[0], depth+1)
		}
	}
	return ""
}

// clip makes s one line of at most maxQuoted characters.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return s
}
