package payments

import (
	"net/http"
	"testing"
	"time"
)

func TestKeyStore(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := newKeyStore()
	s.now = func() time.Time { return now }
	s.max = 3
	ok := response{status: http.StatusCreated, body: []byte("{}")}

	steps := []struct {
		name, scope, fp string
		advance         time.Duration
		finish          *response // finish the entry begun in this step
		want            outcome
	}{
		{name: "fresh key", scope: "a", fp: "f1", want: fresh},
		{name: "in flight", scope: "a", fp: "f1", want: inFlight},
		{name: "mismatch wins over in flight", scope: "a", fp: "f2", want: mismatch},
		{name: "fresh b, finished", scope: "b", fp: "f1", want: fresh, finish: &ok},
		{name: "replay", scope: "b", fp: "f1", want: replay},
		{name: "400 releases", scope: "c", fp: "f1", want: fresh, finish: &response{status: 400}},
		{name: "released key is fresh", scope: "c", fp: "f2", want: fresh, finish: &response{status: 503}},
		{name: "5xx releases", scope: "c", fp: "f1", want: fresh, finish: &ok},
		{name: "still remembered before expiry", scope: "b", fp: "f1", advance: KeyRetention - time.Second, want: replay},
		{name: "expired after retention", scope: "b", fp: "f1", advance: time.Second, want: fresh},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		e, got := s.begin(st.scope, st.fp)
		if got != st.want {
			t.Fatalf("%s: outcome %d, want %d", st.name, got, st.want)
		}
		if st.finish != nil {
			s.finish(e, *st.finish)
		}
		if s.age.Len() != len(s.entries) || len(s.entries) > s.max {
			t.Fatalf("%s: %d entries, %d in age list, max %d", st.name, len(s.entries), s.age.Len(), s.max)
		}
	}
}

// TestKeyStoreBounded: beyond max keys the oldest are forgotten early.
func TestKeyStoreBounded(t *testing.T) {
	s := newKeyStore()
	s.max = 2
	for _, scope := range []string{"x", "y", "z"} {
		e, _ := s.begin(scope, "f")
		s.finish(e, response{status: http.StatusCreated})
	}
	if len(s.entries) != 2 || s.age.Len() != 2 {
		t.Fatalf("%d entries, %d in age list, want 2", len(s.entries), s.age.Len())
	}
	for scope, want := range map[string]outcome{"x": fresh, "z": replay} {
		if _, got := s.begin(scope, "f"); got != want {
			t.Errorf("%s: outcome %d, want %d", scope, got, want)
		}
	}
}

func TestParseKey(t *testing.T) {
	long := string(make([]byte, 256))
	tests := []struct {
		name   string
		values []string
		want   string
		bad    bool
	}{
		{"bare", []string{"abc"}, "abc", false},
		{"RFC 8941 string", []string{`"abc"`}, "abc", false},
		{"empty", []string{""}, "", true},
		{"quoted empty", []string{`""`}, "", true},
		{"overlong", []string{long}, "", true},
		{"twice", []string{"a", "b"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := parseKey(tt.values)
			if got != tt.want || (problem != "") != tt.bad {
				t.Errorf("parseKey(%q) = %q, %q", tt.values, got, problem)
			}
		})
	}
}

func TestCanonicalJSON(t *testing.T) {
	a := canonicalJSON([]byte(`{"b":1,"a":[1,2]}`))
	b := canonicalJSON([]byte("{ \"a\": [1, 2],\n \"b\": 1 }"))
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if canonicalJSON([]byte(`{"a":1} junk`)) == canonicalJSON([]byte(`{"a":1}`)) {
		t.Error("trailing data ignored")
	}
}
