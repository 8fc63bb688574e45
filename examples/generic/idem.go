package generic

import (
	"bytes"
	"container/list"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// The idempotency layer follows the reference semantics of idemcheck's
// DESIGN.md (draft-ietf-httpapi-idempotency-key-header, Stripe): the first
// request with a key is processed and its response stored (status, body,
// headers); a retry with the same request gets the stored response with
// Idempotent-Replayed: true; a retry while the first is in flight gets 409;
// the key reused with another request (method, path, query, body) gets 422.
// Keys are scoped to the principal and the operation. What is not stored:
// a 5xx (the server failed; the client should retry) and the 400s of
// requests refused before processing began (invalid for the document, or a
// malformed key), as Stripe saves no result for a request that failed
// validation. A business error of a processed request (a refund that
// exceeds its payment) is stored like a success.

const (
	// ReplayedHeader marks a stored response replayed.
	ReplayedHeader = "Idempotent-Replayed"
	// MaxKeyLength is the longest key accepted, in bytes.
	MaxKeyLength = 255
	// KeyRetention is how long a completed key is remembered.
	KeyRetention = 24 * time.Hour
	// MaxKeys bounds the remembered keys; beyond it the oldest are
	// forgotten early, as an expiry would.
	MaxKeys = 200_000
)

// response is a complete answer, kept whole so it can be stored and replayed.
type response struct {
	status int
	header http.Header
	body   []byte
}

type outcome int

const (
	fresh    outcome = iota // reserved: process, then finish
	replay                  // completed before with the same request
	inFlight                // the first request is still being processed
	mismatch                // the key was used with another request
)

type keyEntry struct {
	scope, fingerprint string
	created            time.Time
	done               bool
	resp               response
	elem               *list.Element
}

// keyStore decides under one lock, so "is the key new?" and "reserve it"
// are one step.
type keyStore struct {
	mu      sync.Mutex
	entries map[string]*keyEntry
	age     *list.List // of *keyEntry, oldest first
}

func newKeyStore() *keyStore {
	return &keyStore{entries: map[string]*keyEntry{}, age: list.New()}
}

func (s *keyStore) begin(scope, fingerprint string) (*keyEntry, outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for f := s.age.Front(); f != nil; f = s.age.Front() {
		if old := f.Value.(*keyEntry); time.Since(old.created) < KeyRetention {
			break
		}
		s.forget(f.Value.(*keyEntry))
	}
	e := s.entries[scope]
	switch {
	case e == nil:
		for s.age.Len() >= MaxKeys {
			s.forget(s.age.Front().Value.(*keyEntry))
		}
		e = &keyEntry{scope: scope, fingerprint: fingerprint, created: time.Now()}
		e.elem = s.age.PushBack(e)
		s.entries[scope] = e
		return e, fresh
	case e.fingerprint != fingerprint:
		return e, mismatch
	case !e.done:
		return e, inFlight
	}
	return e, replay
}

func (s *keyStore) forget(e *keyEntry) {
	if s.entries[e.scope] == e {
		delete(s.entries, e.scope)
		s.age.Remove(e.elem)
	}
}

// finish stores resp as e's result, or releases the key for a 5xx.
func (s *keyStore) finish(e *keyEntry, resp response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp.status >= 500 {
		s.forget(e)
		return
	}
	e.done, e.resp = true, resp
}

func (s *keyStore) stored(e *keyEntry) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.resp
}

// parseKey checks a header key: present once, 1 to MaxKeyLength bytes. The
// RFC 8941 string form ("abc") is the same key as abc. It returns a problem
// to answer with 400 otherwise.
func parseKey(values []string) (key, problem string) {
	if len(values) != 1 {
		return "", "exactly one idempotency key is required"
	}
	k := values[0]
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > MaxKeyLength {
		return "", "the idempotency key must be 1 to 255 characters"
	}
	return k, ""
}

// fingerprint identifies a request: method, path, canonical query and
// canonical body (JSON re-marshalled, forms sorted, multipart parts sorted
// by name, so that key order, whitespace and boundaries do not matter).
func fingerprint(r *http.Request, body []byte) string {
	return r.Method + " " + r.URL.EscapedPath() + "?" + canonicalQuery(r.URL.RawQuery) + "\n" + canonicalBody(r.Header.Get("Content-Type"), body)
}

func canonicalQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	return q.Encode() // sorted by key
}

func canonicalBody(contentType string, body []byte) string {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return canonicalQuery(string(body))
	case mt == "multipart/form-data":
		if s, ok := canonicalMultipart(body, params["boundary"]); ok {
			return s
		}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return string(body)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(b)
}

func canonicalMultipart(body []byte, boundary string) (string, bool) {
	if boundary == "" {
		return "", false
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var parts []string
	for range 1000 {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(p); err != nil {
			return "", false
		}
		parts = append(parts, p.FormName()+"\x00"+p.FileName()+"\x00"+b.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x01"), true
}
