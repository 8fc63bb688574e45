package probes

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiffSpeaksHTTPAndJSON: a diff reads as the status, the headers
// compared and the body by JSON pointer, "want → got", never as Go values
// (issue 27: "probes.replyView{ … string("em_…")").
func TestDiffSpeaksHTTPAndJSON(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name string
		a, b *reply
		want string
	}{
		{
			name: "replayed email with a new id",
			a:    &reply{Status: 201, Header: json, Body: []byte(`{"id":"em_qird","object":"email","to":"ada@example.com"}`)},
			b:    &reply{Status: 201, Header: json, Body: []byte(`{"id":"em_ikbg","object":"email","to":"ada@example.com"}`)},
			want: "status 201 = 201\n" +
				`header Content-Type: "application/json" = "application/json"` + "\n" +
				`body /id: "em_qird" → "em_ikbg"` + "\n" +
				"body: 2 other values equal",
		},
		{
			name: "status, location, nested and missing members",
			a: &reply{Status: 201, Header: http.Header{"Location": {"/v1/p/1"}},
				Body: []byte(`{"a":{"b":[1,2,3]},"gone":true,"n":7499462000000000001}`)},
			b: &reply{Status: 409, Header: http.Header{"Location": {"/v1/p/2"}},
				Body: []byte(`{"a":{"b":[1,2]},"n":7499462000000000002,"x/y":{"k":null}}`)},
			want: "status 201 → 409\n" +
				`header Location: "/v1/p/1" → "/v1/p/2"` + "\n" +
				"body /a/b/2: 3 → (absent)\n" +
				"body /gone: true → (absent)\n" +
				"body /n: 7499462000000000001 → 7499462000000000002\n" +
				`body /x~1y: (absent) → {"k":null}` + "\n" +
				"body: 2 other values equal",
		},
		{
			name: "text bodies",
			a:    &reply{Status: 500, Body: []byte("upstream timed out after 30s")},
			b:    &reply{Status: 500, Body: []byte("upstream timed out after 31s")},
			want: "status 500 = 500\n" + `body (text, 28 → 28 bytes) differs at byte 26: "upstream timed out after 30s" → "upstream timed out after 31s"`,
		},
		{
			name: "JSON and text",
			a:    &reply{Status: 200, Body: []byte(`{"ok":true}`)},
			b:    &reply{Status: 200, Body: []byte(`<html>oops</html>`)},
			want: "status 200 = 200\n" + `body: {"ok":true} → "<html>oops</html>"`,
		},
		{
			name: "a pointer that needs quoting",
			a:    &reply{Status: 200, Body: []byte(`{"a: b":1}`)},
			b:    &reply{Status: 200, Body: []byte(`{"a: b":2}`)},
			want: "status 200 = 200\n" + `body "/a: b": 1 → 2`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffReplies(tt.a, tt.b, nil)
			if diff := cmp.Diff("  "+strings.ReplaceAll(tt.want, "\n", "\n  "), got); diff != "" {
				t.Errorf("diff (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDiffIsBounded: a body with thousands of differences and long values
// makes a diff of a few lines, each short.
func TestDiffIsBounded(t *testing.T) {
	var a, b strings.Builder
	a.WriteString(`{"a_long":"` + strings.Repeat("x", 5000) + `1"`)
	b.WriteString(`{"a_long":"` + strings.Repeat("x", 5000) + `2"`)
	for i := range 5000 {
		a.WriteString(`,"k` + strconv.Itoa(i) + `":1`)
		b.WriteString(`,"k` + strconv.Itoa(i) + `":2`)
	}
	a.WriteString("}")
	b.WriteString("}")
	d := diffReplies(&reply{Status: 200, Body: []byte(a.String())}, &reply{Status: 200, Body: []byte(b.String())}, nil)
	lines := strings.Split(d, "\n")
	if len(lines) > maxDiffLines+3 || !strings.Contains(d, "more differences") {
		t.Errorf("%d lines:\n%s", len(lines), d)
	}
	for _, l := range lines {
		if len(l) > 2*maxDiffValue+100 {
			t.Errorf("a line of %d bytes: %.200s…", len(l), l)
		}
	}
	if !strings.Contains(d, `body /a_long: `) || !strings.Contains(d, `1"`) {
		t.Errorf("the long value's difference is not shown:\n%.500s", d)
	}
}

// TestDiffPointersReadBack: the pointers a diff names are read back
// exactly, quoted ones included, and other lines are not taken for them.
func TestDiffPointersReadBack(t *testing.T) {
	d := "retry 1 vs first response (-first +retry):\nstatus 201 = 201\nbody /id: \"a\" → \"b\"\nbody \"/a: b\": 1 → 2\nbody /id: \"c\" → \"d\"\nbody: 3 other values equal\nbody (text, 1 → 2 bytes) differs at byte 0: \"a\" → \"b\""
	if got, want := DiffPointers(d), []string{"/id", "/a: b"}; !cmp.Equal(got, want) {
		t.Errorf("DiffPointers = %q, want %q", got, want)
	}
}

// TestLatestStatusIdentityDiff: a "latest status" replay diff names the
// status and the resource id.
func TestLatestStatusIdentityDiff(t *testing.T) {
	if got, want := renderIdentity(201, 200, "pay_1", "pay_2"), "  status 201 → 200\n  resource id \"pay_1\" → \"pay_2\""; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
