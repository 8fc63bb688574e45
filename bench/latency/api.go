package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// api is a correct keyed create API with n collections /r0 … /r{n-1}: any
// POST /rI creates an item (Idempotency-Key required, scoped to the caller,
// the path and the key, fingerprinted by the body); GET /rI lists the
// items newest first; GET /rI/{id} reads one. Every request waits latency
// before it is handled. It counts the requests it saw and the times it went
// from idle to busy (one per dependent step when one operation runs at a
// time and the latency is long enough for concurrent copies to overlap).
type api struct {
	n       int
	latency time.Duration

	mu    sync.Mutex
	keys  map[string]*stored
	items map[string][]json.RawMessage
	seq   int

	busy     sync.Mutex
	inflight int
	requests int
	steps    int
	inServer time.Duration // the sum of the requests' times in the handler
}

// stored is one key's outcome: in flight until done.
type stored struct {
	fingerprint string
	done        bool
	body        []byte
	location    string
}

// maxKey is the longest key accepted; maxRequestBody bounds a body.
const (
	maxKey         = 255
	maxRequestBody = 64 << 10
)

func newAPI(n int, latency time.Duration) *api {
	return &api{n: n, latency: latency, keys: map[string]*stored{}, items: map[string][]json.RawMessage{}}
}

// counts returns the requests seen, the idle-to-busy transitions and the
// mean time a request spent in the handler (the latency the server really
// added: more than L when the machine is loaded).
func (a *api) counts() (requests, steps int, perRequest time.Duration) {
	a.busy.Lock()
	defer a.busy.Unlock()
	if a.requests > 0 {
		perRequest = a.inServer / time.Duration(a.requests)
	}
	return a.requests, a.steps, perRequest
}

func (a *api) enter() {
	a.busy.Lock()
	defer a.busy.Unlock()
	a.requests++
	if a.inflight == 0 {
		a.steps++
	}
	a.inflight++
}

func (a *api) leave(since time.Time) {
	a.busy.Lock()
	defer a.busy.Unlock()
	a.inflight--
	a.inServer += time.Since(since)
}

// ServeHTTP implements http.Handler.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.enter()
	defer a.leave(time.Now())
	time.Sleep(a.latency) // not the request's context: a dropped request is still processed
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if !a.known(parts[0]) {
		reply(w, http.StatusNotFound, map[string]any{"error": "not found"})
		return
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 1:
		a.list(w, parts[0])
	case r.Method == http.MethodGet && len(parts) == 2:
		a.get(w, parts[0], parts[1])
	case r.Method == http.MethodPost && len(parts) == 1:
		a.create(w, r, parts[0])
	default:
		reply(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
	}
}

// known reports whether coll is one of the API's collections.
func (a *api) known(coll string) bool {
	i, err := strconv.Atoi(strings.TrimPrefix(coll, "r"))
	return strings.HasPrefix(coll, "r") && err == nil && i >= 0 && i < a.n
}

func (a *api) list(w http.ResponseWriter, coll string) {
	a.mu.Lock()
	all := a.items[coll]
	out := make([]json.RawMessage, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		out = append(out, all[i])
	}
	a.mu.Unlock()
	reply(w, http.StatusOK, map[string]any{"data": out, "has_more": false})
}

func (a *api) get(w http.ResponseWriter, coll, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, it := range a.items[coll] {
		var v struct{ ID string }
		if json.Unmarshal(it, &v) == nil && v.ID == id {
			w.Header().Set("Content-Type", "application/json")
			w.Write(it)
			return
		}
	}
	reply(w, http.StatusNotFound, map[string]any{"error": "not found"})
}

func (a *api) create(w http.ResponseWriter, r *http.Request, coll string) {
	key := r.Header.Get("Idempotency-Key")
	switch {
	case len(r.Header.Values("Idempotency-Key")) == 0:
		reply(w, http.StatusBadRequest, map[string]any{"error": "Idempotency-Key is required"})
		return
	case key == "" || len(key) > maxKey:
		reply(w, http.StatusBadRequest, map[string]any{"error": "Idempotency-Key must be 1 to 255 characters"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		reply(w, http.StatusBadRequest, map[string]any{"error": "unreadable body"})
		return
	}
	var in map[string]any
	if json.Unmarshal(body, &in) != nil {
		reply(w, http.StatusBadRequest, map[string]any{"error": "the body is not a JSON object"})
		return
	}
	if amount, ok := in["amount"].(float64); !ok || amount < 1 {
		reply(w, http.StatusBadRequest, map[string]any{"error": "amount must be a positive integer"})
		return
	}
	scope := r.Header.Get("Authorization") + "|" + r.URL.Path + "|" + key
	a.mu.Lock()
	if s, ok := a.keys[scope]; ok {
		a.mu.Unlock()
		switch {
		case s.fingerprint != string(body):
			reply(w, http.StatusUnprocessableEntity, map[string]any{"error": "the key was used with another request"})
		case !s.done:
			reply(w, http.StatusConflict, map[string]any{"error": "a request with this key is in progress"})
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Location", s.location)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(http.StatusCreated)
			w.Write(s.body)
		}
		return
	}
	s := &stored{fingerprint: string(body)}
	a.keys[scope] = s
	a.seq++
	in["id"] = fmt.Sprintf("%s_%06d", coll, a.seq)
	out, _ := json.Marshal(in)
	a.items[coll] = append(a.items[coll], out)
	s.body, s.location, s.done = out, "/"+coll+"/"+in["id"].(string), true
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", s.location)
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
