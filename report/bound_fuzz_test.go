package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBoundBody: cutting a body never panics on what a server sends, never
// splits a character, keeps a short body whole and a long one's start, and
// accounts for every byte it left out.
func FuzzBoundBody(f *testing.F) {
	f.Add(`{"id":"pay_1","amount":100}`, "/id", 8)
	f.Add(`{"a":{"b":[1,2,{"c":"`+strings.Repeat("x", 300)+`"}]}}`, "/a/b/2/c", 16)
	f.Add("\xff\xfe not json \u00e9\u00e9\u00e9", "/", 3)
	f.Add(`[1,2,3`, "/0", 1)
	f.Fuzz(func(t *testing.T, body, pointer string, size int) {
		n := size % 512
		if n < 0 {
			n = -n
		}
		b := budget{body: 1 + n, windows: 2, window: 1 + n%64, context: 8, headerValue: 64}
		got, cut := boundBody(body, []string{pointer}, b)
		if cut == 0 {
			if got != body {
				t.Fatalf("nothing cut, but the body changed: %q → %q", body, got)
			}
			return
		}
		if !strings.HasPrefix(got, body[:runeStart(body, b.body)]) {
			t.Fatalf("the start is not kept: %q → %q", body, got)
		}
		if utf8.ValidString(body) && !utf8.ValidString(got) {
			t.Fatalf("a character was split: %q", got)
		}
		kept := len(got)
		for _, m := range []string{"...[truncated "} {
			for i := strings.Index(got, m); i >= 0; i = strings.Index(got, m) {
				end := strings.Index(got[i:], " bytes]...")
				if end < 0 {
					break
				}
				kept -= end + len(" bytes]...")
				got = got[i+end+len(" bytes]..."):]
			}
		}
		if kept < 0 || kept+cut < len(body)-len(body)/2 || cut > len(body) {
			t.Fatalf("cut %d of %d bytes, %d left", cut, len(body), kept)
		}
	})
}

// FuzzJSONSpans: finding places in a body never panics and every place is
// within it, in order.
func FuzzJSONSpans(f *testing.F) {
	f.Add(`{"id":"pay_1","a":[1,{"b":2}]}`, "/a/1/b")
	f.Add(`{"a~b":{"c/d":1}}`, "/a~0b/c~1d")
	f.Add(`{"a":`, "/a")
	f.Fuzz(func(t *testing.T, body, pointer string) {
		last := 0
		for _, s := range jsonSpans(body, []string{pointer, "/id"}) {
			if s.start < 0 || s.end > len(body) || s.start > s.end || s.start < last {
				t.Fatalf("span %v of a %d-byte body (after %d)", s, len(body), last)
			}
			last = s.start
		}
	})
}

// FuzzReasonShape: a reason's shape never panics, and taking the shape of
// a shape changes nothing: kinds are stable.
func FuzzReasonShape(f *testing.F) {
	f.Add("retry 1 differs from the first response (status 201 → 201); the retries added 2 side effect(s)")
	f.Add(`read tcp 127.0.0.1:1->127.0.0.1:2: reset; "quoted" /path/x: pay_123abc`)
	f.Fuzz(func(t *testing.T, reason string) {
		s := reasonShape(reason)
		if again := reasonShape(s); again != s {
			t.Fatalf("shape of %q is %q, and its shape %q", reason, s, again)
		}
	})
}
