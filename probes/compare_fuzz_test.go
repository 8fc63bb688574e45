package probes

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzDiffReplies: the body differ never panics on what a server sends,
// calls a reply equal to itself, and is symmetric about equality (two
// replies differ both ways or neither), with or without ignored fields; a
// difference reads as status, header and body lines (diffview.go).
func FuzzDiffReplies(f *testing.F) {
	f.Add([]byte(`{"id":"pay_1","amount":100}`), []byte(`{"id":"pay_2","amount":100}`), "/id")
	f.Add([]byte(`{"id":9007199254740993}`), []byte(`{"id":9007199254740992}`), "")
	f.Add([]byte(`[1,{"a":[2,3]}]`), []byte(`[1,{"a":[2,4]}]`), "/1/a/1")
	f.Add([]byte("not json \xff"), []byte("not json \xfe"), "/")
	f.Add([]byte(`{"a~b":{"c/d":1}}`), []byte(`{"a~b":{"c/d":2}}`), "/a~0b/c~1d")
	f.Add([]byte(`1e400`), []byte(`1E400`), "")
	f.Fuzz(func(t *testing.T, a, b []byte, pointer string) {
		ignore := []string{pointer}
		ra := &reply{Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: a}
		rb := &reply{Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: b}
		if d := diffReplies(ra, ra, ignore); d != "" {
			t.Fatalf("a reply differs from itself:\n%s", d)
		}
		d := diffReplies(ra, rb, ignore)
		if (d == "") != (diffReplies(rb, ra, ignore) == "") {
			t.Fatalf("equality is not symmetric for %q and %q (ignoring %q)", a, b, pointer)
		}
		for _, line := range strings.Split(d, "\n") {
			line = strings.TrimPrefix(line, "  ")
			if d != "" && !strings.HasPrefix(line, "status ") && !strings.HasPrefix(line, "header ") && !strings.HasPrefix(line, "body") && !strings.HasPrefix(line, "… and ") {
				t.Fatalf("a diff line reads %q:\n%s", line, d)
			}
		}
	})
}
