package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONSpans: the members and elements a diff points at are found in the
// body as received, whitespace, nesting and escaped names included.
func TestJSONSpans(t *testing.T) {
	body := `{ "id" : "pay_1",
  "amount": 100, "a/b": {"c~d": [1, {"x": null}, 3.5e2]}, "list": [true,false] }`
	tests := []struct {
		pointers []string
		want     []string
	}{
		{[]string{"/id"}, []string{`"id" : "pay_1"`}},
		{[]string{"/amount", "/id"}, []string{`"id" : "pay_1"`, `"amount": 100`}},
		{[]string{"/a~1b/c~0d/1/x"}, []string{`"x": null`}},
		{[]string{"/a~1b/c~0d/2"}, []string{`3.5e2`}},
		{[]string{"/a~1b/c~0d"}, []string{`"c~d": [1, {"x": null}, 3.5e2]`}},
		{[]string{"/list/1"}, []string{`false`}},
		{[]string{"/missing", "/id/0"}, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range jsonSpans(body, tt.pointers) {
			got = append(got, body[s.start:s.end])
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.pointers, diff)
		}
	}
	if got := jsonSpans("not json", []string{"/a"}); got != nil {
		t.Errorf("text: %v", got)
	}
}
