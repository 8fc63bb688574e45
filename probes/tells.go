package probes

import (
	"strings"
	"time"
)

// A reuse of a key answered exactly as R was is R's stored result only
// when a request processed on its own would have been answered otherwise.
// Two DELETEs that both answer 204 with no body, two actions that both
// answer {"ok": true}, are indistinguishable by their responses: that they
// are identical proves nothing. What a request processed on its own gets
// is shown by a control: the same request with a fresh key. The mismatch
// probes conclude a replay from an identical response only when their
// control's response tells it apart from R's.

// tellsApart reports whether control — a reply to the other request, sent
// with a fresh key — differs from first in something a replay of first
// would reproduce and a processing of its own would not: the status, the
// Content-Type or Location, or a body field. Timestamps are no such field:
// a request processed in the same second as R repeats R's.
func tellsApart(first, control *reply, ignore []string) bool {
	if first == nil || control == nil {
		return false
	}
	a, b := view(first, ignore), view(control, ignore)
	if a.Status != b.Status || a.ContentType != b.ContentType || a.Location != b.Location {
		return true
	}
	for _, p := range changedPointers(first, control, ignore) {
		if !timeLike(p, a.Body, b.Body) {
			return true
		}
	}
	return false
}

// timeLike reports whether the field at pointer p is a timestamp: its name
// says so (created, updated_at, expiresAt, modified, …time, …date), or both values
// are RFC 3339 times.
func timeLike(p string, a, b any) bool {
	if p == "" {
		return false // a whole body that differs
	}
	field := p[strings.LastIndex(p, "/")+1:]
	name := strings.ToLower(field)
	for _, w := range []string{"created", "updated", "modified", "timestamp"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	if strings.HasSuffix(name, "_at") || strings.HasSuffix(name, "time") || strings.HasSuffix(name, "date") || len(field) > 2 && strings.HasSuffix(field, "At") {
		return true // expires_at, dateTime, expiresAt
	}
	va, _ := atPointer(a, p)
	vb, _ := atPointer(b, p)
	return isTime(va) && isTime(vb)
}

func isTime(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC1123, time.RFC1123Z} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
