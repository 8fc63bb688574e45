package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

// pagedServer serves 25 items at /things in pages of 10, paginated as style
// says, plus a counter at /count.
func pagedServer(t *testing.T, style string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/count" {
			fmt.Fprint(w, `{"stats": {"sent": 7}, "name": "x"}`)
			return
		}
		start := 0
		switch style {
		case "stripe":
			if a := r.URL.Query().Get("starting_after"); a != "" {
				start, _ = strconv.Atoi(strings.TrimPrefix(a, "t"))
			}
		default:
			start, _ = strconv.Atoi(r.URL.Query().Get("cursor"))
		}
		var items []map[string]any
		for i := start + 1; i <= min(start+10, 25); i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("t%d", i)})
		}
		more := start+10 < 25
		body := map[string]any{"data": items}
		switch style {
		case "stripe":
			body["has_more"] = more
		case "link":
			if more {
				w.Header().Set("Link", fmt.Sprintf(`</things?cursor=%d>; rel="next"`, start+10))
			}
		case "next":
			if more {
				body["links"] = map[string]any{"next": fmt.Sprintf("%s/things?cursor=%d", srv.URL, start+10)}
			}
		case "foreign":
			if more {
				body["next"] = fmt.Sprintf("http://192.0.2.1/things?cursor=%d", start+10)
			}
		}
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCollectionPagination(t *testing.T) {
	tests := []struct {
		style     string
		maxPages  int
		count     int
		truncated bool
	}{
		{"stripe", 0, 25, false},
		{"link", 0, 25, false},
		{"next", 0, 25, false},
		{"foreign", 0, 10, true}, // never leaves the base URL
		{"stripe", 2, 20, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s max %d", tt.style, tt.maxPages), func(t *testing.T) {
			srv := pagedServer(t, tt.style)
			env := Env{BaseURL: srv.URL}.withDefaults()
			snap, err := (&CollectionObserver{Path: "/things", MaxPages: tt.maxPages}).Snapshot(context.Background(), env)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Count != tt.count || snap.Truncated != tt.truncated || len(snap.Items) != tt.count {
				t.Errorf("count %d truncated %v items %d, want %d %v", snap.Count, snap.Truncated, len(snap.Items), tt.count, tt.truncated)
			}
		})
	}
}

func TestHTTPObserver(t *testing.T) {
	srv := pagedServer(t, "stripe")
	env := Env{BaseURL: srv.URL}.withDefaults()
	tests := []struct {
		name, path, pointer string
		want                int
		err                 string
	}{
		{"counter", "/count", "/stats/sent", 7, ""},
		{"array", "/things", "/data", 10, ""},
		{"missing", "/count", "/count", 0, "GET /count: pointer /count resolves to nothing in the response (its top-level fields: /name, /stats)"},
		{"string", "/count", "/name", 0, "GET /count: pointer /name is a string, not a number or an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := (&HTTPObserver{Label: "x", Path: tt.path, Pointer: tt.pointer}).Snapshot(context.Background(), env)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || snap.Count != tt.want {
				t.Fatalf("Snapshot = %+v, %v; want count %d", snap, err, tt.want)
			}
		})
	}
}

func TestCommandObserver(t *testing.T) {
	env := Env{BaseURL: "http://127.0.0.1:1"}.withDefaults()
	ctx := withCanaryPrefix(context.Background(), "idemcheck-0123456789")
	tests := []struct {
		name, command, pointer string
		timeout                time.Duration
		want                   int
		attributed             bool
		err                    string
	}{
		{"number", "echo ' 42 '", "", 0, 42, false, ""},
		{"json pointer", `echo '{"queue": {"depth": 3}}'`, "/queue/depth", 0, 3, false, ""},
		{"json array", `echo '[{"id": "a"}, {"id": "b"}]'`, "", 0, 2, false, ""},
		{"canary filter", `test -n "$IDEMCHECK_CANARY" && echo 1`, "", 0, 1, true, ""},
		{"fails", "echo oops >&2; exit 3", "", 0, 0, false, `command "echo oops >&2; exit 3" failed: exit status 3: oops`},
		{"not a number", "echo many", "", 0, 0, false, `command "echo many": output is neither a number nor JSON: "many"`},
		{"pointer to nothing", `echo '{"a": 1}'`, "/b", 0, 0, false, `command "echo '{\"a\": 1}'": pointer /b resolves to nothing in the output (its top-level fields: /a)`},
		{"timeout", "sleep 5", "", 100 * time.Millisecond, 0, false, `command "sleep 5" timed out after 100ms`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := (&CommandObserver{Command: tt.command, Pointer: tt.pointer, Timeout: tt.timeout}).Snapshot(ctx, env)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || snap.Count != tt.want || snap.Attributed != tt.attributed {
				t.Fatalf("Snapshot = %+v, %v; want count %d attributed %v", snap, err, tt.want, tt.attributed)
			}
		})
	}
}

// createServer is a small create API: POST /things creates an item
// (dupes extra copies when dupes > 0, answering with the first), GET
// /things lists them, GET /things/{id} reads one. Every item keeps the
// request's description.
type createServer struct {
	items []map[string]any
	dupes int
	n     atomic.Int64
	mu    chan struct{}
}

func newCreateServer(t *testing.T, dupes int) (*createServer, *httptest.Server) {
	cs := &createServer{items: []map[string]any{}, dupes: dupes, mu: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /things", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		cs.mu <- struct{}{}
		var first map[string]any
		for i := 0; i <= cs.dupes; i++ {
			it := map[string]any{"id": fmt.Sprintf("thing_%06d", cs.n.Add(1)), "description": in["description"]}
			cs.items = append(cs.items, it)
			if first == nil {
				first = it
			}
		}
		<-cs.mu
		w.Header().Set("Location", "/things/"+first["id"].(string))
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(first)
	})
	mux.HandleFunc("GET /things", func(w http.ResponseWriter, r *http.Request) {
		cs.mu <- struct{}{}
		defer func() { <-cs.mu }()
		json.NewEncoder(w).Encode(map[string]any{"data": cs.items})
	})
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		cs.mu <- struct{}{}
		defer func() { <-cs.mu }()
		for _, it := range cs.items {
			if it["id"] == r.PathValue("id") {
				json.NewEncoder(w).Encode(it)
				return
			}
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return cs, srv
}

func thingOp(canary string) *openapi.Operation {
	return &openapi.Operation{
		ID: "createThing", Method: "POST", Path: "/things", Canary: canary,
		Request: &openapi.Request{Method: "POST", Path: "/things",
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"description": "a thing"}}},
		Collection:  &openapi.Collection{Path: "/things"},
		CreatedPath: "/things/{id}",
	}
}

// TestMeasureAttributesByCanary: with a canary, items other clients create
// during a step are not counted; without one, they are, and the effect says
// so. The added items name the response that returned them.
func TestMeasureAttributesByCanary(t *testing.T) {
	for _, canary := range []string{"/description", ""} {
		t.Run("canary "+canary, func(t *testing.T) {
			_, srv := newCreateServer(t, 0)
			env := Env{BaseURL: srv.URL}.withDefaults()
			x := NewExperiment(env, thingOp(canary))
			delta, observed, err := x.Measure(context.Background(), "first", func() error {
				if _, err := x.Send(context.Background(), "first", "", nil); err != nil {
					return err
				}
				// another client's create, during the step
				_, err := http.Post(srv.URL+"/things", "application/json", strings.NewReader(`{"description":"someone else"}`))
				return err
			})
			if err != nil || !observed {
				t.Fatal(err, observed)
			}
			e := x.Effects()[0]
			if canary != "" {
				if delta != 1 || e.Note != "" || len(e.Added) != 1 || !strings.HasSuffix(e.Added[0], "(returned to first)") {
					t.Errorf("attributed: delta %d effect %+v; want +1, one item returned to first, no note", delta, e)
				}
				return
			}
			if delta != 2 || !strings.HasPrefix(e.Note, "not attributed: the request has no free-form string field") || len(e.Added) != 2 {
				t.Errorf("raw: delta %d effect %+v; want +2 with a note", delta, e)
			}
		})
	}
}

// TestObserverFailureIsAnError: a broken observer makes the verdict an
// error, never a pass or a fail.
func TestObserverFailureIsAnError(t *testing.T) {
	_, srv := newCreateServer(t, 1)
	op := thingOp("/description")
	op.Key = openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key"}
	broken := []Target{{Op: op, Observer: &HTTPObserver{Label: "b", Path: "/things", Pointer: "/nope"}}}
	for _, p := range []Probe{replayProbe{}, concurrentProbe{}} {
		res := RunTargets(context.Background(), broken, []Probe{p}, Env{BaseURL: srv.URL, Rounds: 1, Concurrency: 2})
		if res[0].Verdict != Error || !strings.Contains(res[0].Reason, "pointer /nope resolves to nothing") {
			t.Errorf("%s: %s %q, want an error naming the pointer", p.Meta(nil).ID, res[0].Verdict, res[0].Reason)
		}
	}
}

// TestResourceObserverLearnsCreated: the resource observer counts the
// distinct resources responses named, so a server that creates a new one per
// copy shows more than one.
func TestResourceObserverLearnsCreated(t *testing.T) {
	_, srv := newCreateServer(t, 0)
	op := thingOp("/description")
	op.Collection = nil
	env := Env{BaseURL: srv.URL}.withDefaults()
	x := NewExperiment(env, op)
	if _, ok := x.Observer.(*ResourceObserver); !ok {
		t.Fatalf("default observer = %T, want the resource observer", x.Observer)
	}
	delta, _, err := x.Measure(context.Background(), "two creates", func() error {
		for i := range 2 {
			if _, err := x.Send(context.Background(), fmt.Sprint("create ", i), "", nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || delta != 2 {
		t.Fatalf("delta %d, err %v; want +2", delta, err)
	}
	got := x.Effects()[0].Added
	want := []string{"thing_000001 (returned to create 0)", "thing_000002 (returned to create 1)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("added (-want +got):\n%s", d)
	}
}
