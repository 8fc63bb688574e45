package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// lagAPI is a small keyed create API whose behaviour the regression tests of
// observe_settle.go, mismatch_target.go and canary.go tune: lists that show
// items late (eventually consistent), a check-then-act key claim, a unique
// description, long newest-first lists. Any POST /{collection} creates an
// item; GET /{collection} lists them newest first ({"data": [...],
// "has_more": bool}, starting_after=<id>); GET /{collection}/{id} reads one.
// Keys are scoped to Authorization, path and key, and fingerprinted by body.
type lagAPI struct {
	lag time.Duration // a list shows an item this long after its create was answered
	// lagAfter, when positive, makes the list consistent at once for the
	// first lagAfter creates and late (lag) only from then on.
	lagAfter int
	racy     bool // claim the key only after processing (check-then-act)
	unique   bool // refuse a second item with the same description (409)
	pageSize int  // items per list page; 0: one page
	// phantom answers a key already used on another path with 201 and a
	// new id, but creates nothing: a false replay that looks fresh.
	phantom bool
	prefill map[string]int
	// churnAfter, when positive, makes every create after the first
	// churnAfter remove the oldest item of its collection, as another
	// client's DELETE at the same moment would: the count stays put while
	// the new item is listed.
	churnAfter int
	// lateFirst delays the answer to the first create this long after its
	// item was stored, as a loaded machine delays the client's reading of
	// it: the item's lag has passed by the time the client looks.
	lateFirst time.Duration
	// singleton names collections whose creates all store one resource:
	// the first makes it, every later one replaces it under the same id,
	// as a server may store a POST to a fixed path.
	singleton map[string]bool

	mu    sync.Mutex
	keys  map[string]*lagStored
	items map[string][]lagItem
	seq   int
}

type lagStored struct {
	fp     string
	status int
	body   []byte
	done   bool
}

type lagItem struct {
	visible time.Time
	v       map[string]any
}

// start serves a on a loopback socket for the test's duration.
func (a *lagAPI) start(t *testing.T) *httptest.Server {
	t.Helper()
	a.keys, a.items = map[string]*lagStored{}, map[string][]lagItem{}
	for coll, n := range a.prefill {
		for i := range n {
			a.items[coll] = append(a.items[coll], lagItem{v: map[string]any{"id": fmt.Sprintf("%s_pre%04d", coll[:1], i), "amount": 1}})
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(srv.Close)
	return srv
}

func (a *lagAPI) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 1:
		a.list(w, r, parts[0])
	case r.Method == http.MethodGet && len(parts) == 2:
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, it := range a.items[parts[0]] {
			if it.v["id"] == parts[1] {
				writeJSON(w, http.StatusOK, it.v)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	case r.Method == http.MethodPost && len(parts) == 1:
		a.create(w, r, parts[0])
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method"})
	}
}

func (a *lagAPI) list(w http.ResponseWriter, r *http.Request, coll string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []any{}
	all := a.items[coll]
	for i := len(all) - 1; i >= 0; i-- {
		if !time.Now().Before(all[i].visible) {
			out = append(out, all[i].v)
		}
	}
	more := false
	if a.pageSize > 0 {
		if after := r.URL.Query().Get("starting_after"); after != "" {
			for i, v := range out {
				if v.(map[string]any)["id"] == after {
					out = out[i+1:]
					break
				}
			}
		}
		if len(out) > a.pageSize {
			out, more = out[:a.pageSize], true
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "has_more": more})
}

func (a *lagAPI) create(w http.ResponseWriter, r *http.Request, coll string) {
	body, _ := io.ReadAll(r.Body)
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "missing key"})
		return
	}
	scope := r.Header.Get("Authorization") + "|" + r.URL.Path + "|" + key
	a.mu.Lock()
	if stored, ok := a.keys[scope]; ok {
		s := *stored
		a.mu.Unlock()
		switch {
		case s.fp != string(body):
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "key reused with another body"})
		case !s.done:
			writeJSON(w, http.StatusConflict, map[string]any{"error": "in flight"})
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(s.status)
			w.Write(s.body)
		}
		return
	}
	var in map[string]any
	if json.Unmarshal(body, &in) != nil {
		in = map[string]any{}
	}
	if a.phantom && a.usedElsewhere(r.Header.Get("Authorization"), key) {
		a.seq++
		in["id"] = fmt.Sprintf("%s_%06d", coll[:1], a.seq)
		a.mu.Unlock()
		writeJSON(w, http.StatusCreated, in)
		return
	}
	if a.unique {
		for _, it := range a.items[coll] {
			if d, ok := in["description"].(string); ok && it.v["description"] == d {
				a.mu.Unlock()
				writeJSON(w, http.StatusConflict, map[string]any{"error": "an item with this description exists"})
				return
			}
		}
	}
	s := &lagStored{fp: string(body)}
	if !a.racy {
		a.keys[scope] = s
	}
	a.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // processing
	a.mu.Lock()
	a.seq++
	in["id"] = fmt.Sprintf("%s_%06d", coll[:1], a.seq)
	replace := a.singleton[coll] && len(a.items[coll]) > 0
	if replace {
		in["id"] = a.items[coll][0].v["id"]
	}
	out, _ := json.Marshal(in)
	s.status, s.body, s.done = http.StatusCreated, out, true
	a.keys[scope] = s
	visible := time.Now().Add(a.lag)
	if a.seq <= a.lagAfter {
		visible = time.Now()
	}
	if replace {
		a.items[coll][0] = lagItem{visible: visible, v: in}
	} else {
		a.items[coll] = append(a.items[coll], lagItem{visible: visible, v: in})
	}
	if a.churnAfter > 0 && a.seq > a.churnAfter {
		a.items[coll] = a.items[coll][1:]
	}
	first := a.seq == 1
	a.mu.Unlock()
	if first {
		time.Sleep(a.lateFirst)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
}

// usedElsewhere reports whether key was used by who on any path. a.mu is held.
func (a *lagAPI) usedElsewhere(who, key string) bool {
	for scope := range a.keys {
		if strings.HasPrefix(scope, who+"|") && strings.HasSuffix(scope, "|"+key) {
			return true
		}
	}
	return false
}

// lagOp is a planned keyed create on /{coll} with a description canary;
// collection says whether its list is known (else only the resource).
func lagOp(id, coll string, amount int, collection bool) openapi.Operation {
	op := openapi.Operation{
		ID: id, Method: http.MethodPost, Path: "/" + coll,
		Key: openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: http.MethodPost, Path: "/" + coll,
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": amount, "description": "hello"}}},
		AltBody:     &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": amount + 1, "description": "hello"}},
		CreatedPath: "/" + coll + "/{id}",
		Canary:      "/description",
		Docs:        &openapi.Docs{KeyDeclared: true, Retention: "Keys are retained for 24 hours."},
	}
	if collection {
		op.Collection = &openapi.Collection{Path: "/" + coll}
	}
	return op
}

// runLag runs probes on op against base, with others as the other planned
// operations, and returns probe id → result.
func runLag(t *testing.T, base string, op openapi.Operation, probes []Probe, others ...openapi.Operation) map[string]Result {
	t.Helper()
	got := map[string]Result{}
	for _, r := range Run(context.Background(), []openapi.Operation{op}, probes, lagEnv(t, base, op, others...)) {
		got[r.Probe] = r
	}
	return got
}

// lagEnv is the Config of the lagAPI tests: two principals, small rounds, op
// and others as the planned operations.
func lagEnv(t *testing.T, base string, op openapi.Operation, others ...openapi.Operation) Config {
	env := Config{BaseURL: base, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Concurrency: 6, Rounds: 2, Timeout: 5 * time.Second}
	env.OtherHeader = http.Header{"Authorization": {"Bearer other-" + t.Name()}}
	env.Planned = DefaultTargets(append([]openapi.Operation{op}, others...))
	return env
}

// selectProbes returns the probes with these ids.
func selectProbes(t *testing.T, ids ...string) []Probe {
	t.Helper()
	ps, err := Select(ids)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// describe renders a result for a failure message.
func describe(r Result) string {
	return fmt.Sprintf("%s %q; diffs: %q", r.Verdict, r.Reason, r.Diffs)
}
