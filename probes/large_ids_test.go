package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// snowflakeServer creates /things with 64-bit numeric ids, Twitter-style:
// a millisecond shifted left 22 bits, plus a sequence. Every key gets its
// own millisecond and the copies of one key share it, so ids created for one
// key differ only in their low bits — the bits a float64 (53-bit mantissa)
// loses at ~7.5e18. With racy, the key is claimed only after processing
// (check-then-act), so concurrent copies are all processed; with ignoreKey,
// every request is processed.
type snowflakeServer struct {
	racy, ignoreKey bool

	mu     sync.Mutex
	seq    int64
	ms     map[string]int64  // key → its millisecond
	stored map[string][]byte // key → stored response body
	items  []json.RawMessage
}

// snowflakeEpoch is a millisecond in 2026, so ids are ~7.5e18.
const snowflakeEpoch = int64(1_788_000_000_000)

func (s *snowflakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if r.Method == http.MethodGet {
		b, _ := json.Marshal(map[string]any{"data": s.items})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if b, ok := s.stored[key]; ok && !s.ignoreKey {
		s.mu.Unlock()
		writeBody(w, http.StatusCreated, b)
		return
	}
	ms, ok := s.ms[key]
	if !ok {
		ms = snowflakeEpoch + int64(len(s.ms))
		s.ms[key] = ms
	}
	s.mu.Unlock()
	if s.racy {
		time.Sleep(30 * time.Millisecond) // the check-then-act window
	}
	s.mu.Lock()
	s.seq++
	id := ms<<22 | s.seq&(1<<22-1)
	b := []byte(`{"id":` + strconv.FormatInt(id, 10) + `,"amount":100}`)
	s.items = append(s.items, b)
	s.stored[key] = b
	s.mu.Unlock()
	writeBody(w, http.StatusCreated, b)
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func startSnowflake(t *testing.T, racy, ignoreKey bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(&snowflakeServer{racy: racy, ignoreKey: ignoreKey, ms: map[string]int64{}, stored: map[string][]byte{}, items: []json.RawMessage{}})
	t.Cleanup(srv.Close)
	return srv
}

// TestLargeNumericIDsDoNotCollapse: 64-bit ids that differ only in their low
// bits are different resources. Decoded as float64 they compared equal, and
// a check-then-act server with snowflake ids passed concurrent; replay of a
// server that ignores the key showed no diff; the collection observer counted
// several items as one.
func TestLargeNumericIDsDoNotCollapse(t *testing.T) {
	t.Run("concurrent on a racy server", func(t *testing.T) {
		for run := 1; run <= 5; run++ {
			srv := startSnowflake(t, true, false)
			env := Config{Concurrency: 5, Rounds: 2}
			r := runOneProbe(t, concurrentProbe{}, srv.URL, keyedCreate("createThing", "/things"), env)
			srv.Close()
			if r.Verdict != Fail {
				t.Fatalf("run %d: verdict %s (%s), want fail\n%s", run, r.Verdict, r.Reason, strings.Join(r.Diffs, "\n"))
			}
			if !strings.Contains(r.Reason, "differ from the stored result") || !strings.Contains(r.Reason, "side effect(s); one request adds 1") {
				t.Fatalf("run %d: reason %q: want both the differing responses and the extra side effects", run, r.Reason)
			}
		}
	})
	for _, profile := range []string{"ietf", "paypal"} {
		t.Run("replay on a server ignoring the key/"+profile, func(t *testing.T) {
			srv := startSnowflake(t, false, true)
			p, _ := LookupProfile(profile)
			r := runOneProbe(t, replayProbe{}, srv.URL, keyedCreate("createThing", "/things"), Config{Profile: p})
			if r.Verdict != Fail || !strings.Contains(r.Reason, "retry 1 differs from the first response") {
				t.Fatalf("verdict %s (%s), want fail with a differing retry", r.Verdict, r.Reason)
			}
			first := fmt.Sprint(snowflakeEpoch<<22 | 1)
			if !strings.Contains(strings.Join(r.Diffs, "\n"), first) {
				t.Errorf("the diffs do not show the exact id %s:\n%s", first, strings.Join(r.Diffs, "\n"))
			}
		})
	}
	t.Run("ids and counters", func(t *testing.T) {
		big := `{"id":7499462000000000001,"n":9007199254740993,"items":[{"id":7499462000000000001},{"id":7499462000000000002}]}`
		r := &reply{Status: 201, Header: http.Header{}, Body: []byte(big)}
		if got := resourceID(r); got != "7499462000000000001" {
			t.Errorf("resourceID = %s, want 7499462000000000001", got)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /big", func(w http.ResponseWriter, _ *http.Request) { writeBody(w, 200, []byte(big)) })
		mux.HandleFunc("GET /frac", func(w http.ResponseWriter, _ *http.Request) { writeBody(w, 200, []byte(`{"n":2.5}`)) })
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		env := newRun(Config{BaseURL: srv.URL})
		tests := []struct {
			path, pointer string
			want          int
			err           string
		}{
			{"/big", "/items", 2, ""},
			{"/big", "/n", 9007199254740993, ""},
			{"/frac", "/n", 0, "GET /frac: pointer /n: 2.5 is not a whole number"},
		}
		for _, tt := range tests {
			snap, err := (&HTTPObserver{Path: tt.path, Pointer: tt.pointer}).Snapshot(context.Background(), env.access(""))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.err, got); diff != "" || snap.Count != tt.want {
				t.Errorf("%s %s: count %d, want %d; error (-want +got):\n%s", tt.path, tt.pointer, snap.Count, tt.want, diff)
			}
		}
		snap, err := (&CommandObserver{Pointer: "/items"}).parse([]byte(big))
		if err != nil || snap.Count != 2 || snap.Items[0].ID == snap.Items[1].ID {
			t.Errorf("command parse = %+v, %v; want 2 distinct items", snap, err)
		}
	})
}

// TestCanonicalNumbers: bodies differ in a number only when its value does,
// integers compared exactly.
func TestCanonicalNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{`{"n":1}`, `{"n":1.0}`, true},
		{`{"n":100}`, `{"n":1e2}`, true},
		{`{"n":0.1}`, `{"n":1e-1}`, true},
		{`{"n":-0}`, `{"n":0}`, true},
		{`{"n":7499462000000000001}`, `{"n":7499462000000000002}`, false},
		{`{"n":18446744073709551615}`, `{"n":18446744073709551614}`, false},
		{`{"n":123456789012345678901234567890}`, `{"n":123456789012345678901234567891}`, false},
		{`[{"n":2.5}]`, `[{"n":2.50}]`, true},
	}
	for _, tt := range tests {
		a := &reply{Status: 200, Header: http.Header{}, Body: []byte(tt.a)}
		b := &reply{Status: 200, Header: http.Header{}, Body: []byte(tt.b)}
		if d := diffReplies(a, b, nil); (d == "") != tt.same {
			t.Errorf("%s vs %s: same = %v, want %v; diff:\n%s", tt.a, tt.b, d == "", tt.same, d)
		}
	}
}

// FuzzUnmarshalJSON: unmarshalJSON accepts exactly the valid JSON documents
// (json.Valid), numbers beyond float64's range included, and its numbers
// canonicalize without panicking.
func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`{"id":7499462000000000001}`, `[1, 2.5, "x"]`, `1 2`, `{} x`, ``, `  null  `, `{"a":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		err := unmarshalJSON(b, &v)
		if json.Valid(b) != (err == nil) {
			t.Fatalf("%q: json.Valid %v, unmarshalJSON error %v", b, json.Valid(b), err)
		}
		if err == nil {
			canonicalNumbers(v)
		}
	})
}
