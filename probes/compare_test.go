package probes

import (
	"net/http"
	"testing"
)

func TestDiffReplies(t *testing.T) {
	jsonHdr := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name     string
		a, b     string
		statusB  int
		ignore   []string
		wantSame bool
	}{
		{name: "identical", a: `{"id":"p1","amount":1}`, b: `{"amount":1,"id":"p1"}`, statusB: 201, wantSame: true},
		{name: "different id", a: `{"id":"p1"}`, b: `{"id":"p2"}`, statusB: 201},
		{name: "different status", a: `{"id":"p1"}`, b: `{"id":"p1"}`, statusB: 200},
		{name: "ignored volatile field", a: `{"id":"p1","created":1}`, b: `{"id":"p1","created":2}`, statusB: 201, ignore: []string{"/created"}, wantSame: true},
		{name: "ignored nested field", a: `{"m":{"t":1},"x":[{"r":1}]}`, b: `{"m":{"t":2},"x":[{"r":2}]}`, statusB: 201, ignore: []string{"/m/t", "/x/0/r"}, wantSame: true},
		{name: "pointer to nothing", a: `{"id":"p1"}`, b: `{"id":"p2"}`, statusB: 201, ignore: []string{"/nope/deeper"}},
		{name: "non-JSON bodies", a: `hello`, b: `hello!`, statusB: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &reply{Status: 201, Header: jsonHdr, Body: []byte(tt.a)}
			b := &reply{Status: tt.statusB, Header: jsonHdr, Body: []byte(tt.b)}
			d := diffReplies(a, b, tt.ignore)
			if (d == "") != tt.wantSame {
				t.Errorf("diffReplies same=%v, want same=%v; diff:\n%s", d == "", tt.wantSame, d)
			}
		})
	}
}

func FuzzRemovePointer(f *testing.F) {
	for _, s := range []string{"/a", "/a/0", "/~1/~0", "", "/", "//", "/a/b/c/d"} {
		f.Add(`{"a":[{"b":1}],"/":{"~":2}}`, s)
	}
	f.Fuzz(func(t *testing.T, body, pointer string) {
		r := &reply{Status: 200, Header: http.Header{}, Body: []byte(body)}
		_ = view(r, []string{pointer}) // must not panic
	})
}
