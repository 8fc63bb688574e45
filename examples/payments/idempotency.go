package payments

import (
	"container/list"
	"net/http"
	"sync"
	"time"
)

// The idempotency protocol, as draft-ietf-httpapi-idempotency-key-header and
// Stripe describe it. The flaws in flaws.go are small deviations from it.
const (
	// KeyHeader is the request header that carries the idempotency key.
	KeyHeader = "Idempotency-Key"
	// ReplayedHeader marks a response that is a stored result replayed.
	ReplayedHeader = "Idempotent-Replayed"
	// MaxKeyLength is the longest key accepted, in bytes.
	MaxKeyLength = 255
	// KeyRetention is how long a completed key is remembered.
	KeyRetention = 24 * time.Hour
	// MaxKeys bounds the remembered keys; beyond it the oldest are forgotten
	// early, as an expiry would (documented, and far above any test's needs).
	MaxKeys = 100_000
)

// outcome is what the store decided for a keyed request.
type outcome int

const (
	fresh    outcome = iota // reserved: process, then finish
	replay                  // completed before with the same request
	inFlight                // the first request is still being processed
	mismatch                // the key was used with a different request
)

// keyEntry is one remembered key: in flight until done is set.
type keyEntry struct {
	scope, fingerprint string
	created            time.Time
	done               bool
	resp               response
	elem               *list.Element
}

// keyStore remembers keyed requests and their outcomes. All decisions are
// taken under one lock, so "is the key new?" and "reserve it" are one step.
type keyStore struct {
	mu      sync.Mutex
	now     func() time.Time
	max     int // MaxKeys; smaller in tests
	entries map[string]*keyEntry
	age     *list.List // of *keyEntry, oldest first
}

func newKeyStore() *keyStore {
	return &keyStore{now: time.Now, max: MaxKeys, entries: map[string]*keyEntry{}, age: list.New()}
}

// begin atomically classifies a request; on fresh it has reserved the key.
func (s *keyStore) begin(scope, fingerprint string) (*keyEntry, outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.lookup(scope)
	if e == nil {
		return s.reserve(scope, fingerprint), fresh
	}
	return e, classify(e, fingerprint)
}

// classify decides how a request meets an existing entry. Caller holds mu.
func classify(e *keyEntry, fingerprint string) outcome {
	switch {
	case e.fingerprint != fingerprint:
		return mismatch
	case !e.done:
		return inFlight
	default:
		return replay
	}
}

// lookup returns the live entry for scope, forgetting expired ones. Caller holds mu.
func (s *keyStore) lookup(scope string) *keyEntry {
	for f := s.age.Front(); f != nil; f = s.age.Front() {
		if old := f.Value.(*keyEntry); s.now().Sub(old.created) < KeyRetention {
			break
		}
		s.forget(f.Value.(*keyEntry))
	}
	return s.entries[scope]
}

// reserve records scope as in flight, replacing any entry. Caller holds mu.
func (s *keyStore) reserve(scope, fingerprint string) *keyEntry {
	if old := s.entries[scope]; old != nil {
		s.forget(old)
	}
	for s.age.Len() >= s.max {
		s.forget(s.age.Front().Value.(*keyEntry))
	}
	e := &keyEntry{scope: scope, fingerprint: fingerprint, created: s.now()}
	e.elem = s.age.PushBack(e)
	s.entries[scope] = e
	return e
}

// forget drops e if it is still the entry of its scope. Caller holds mu.
func (s *keyStore) forget(e *keyEntry) {
	if s.entries[e.scope] == e {
		delete(s.entries, e.scope)
		s.age.Remove(e.elem)
	}
}

// finish stores resp as e's result, or releases the key when resp must not be
// stored: a 5xx (the server failed, the client should retry) or a 400 (the
// request never started executing; Stripe does not save validation errors,
// so the client may fix the request and retry with the same key).
func (s *keyStore) finish(e *keyEntry, resp response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp.status >= 500 || resp.status == http.StatusBadRequest {
		s.forget(e)
		return
	}
	e.done, e.resp = true, resp
}
