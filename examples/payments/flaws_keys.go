package payments

import (
	"net/http"
	"strconv"
	"sync"
)

// The flaws of this file get the key's scope, format, replay marker and
// stored errors wrong (flaws.go documents each); serveKeyed calls these
// hooks, which do the correct thing when the flaw is off.

// maxIndexedKey is FlawUnvalidatedKey's key store column: longer keys fail
// the insert, which the flawed server reports as a 500.
const maxIndexedKey = 1024

// checkKey validates the key header as parseKey does, or, under
// FlawUnvalidatedKey, takes it as it comes. It returns the key, or a
// problem and the status to answer it with.
func (s *server) checkKey(values []string) (key, problem string, status int) {
	if !s.policy.rawKey {
		key, problem = parseKey(values)
		if problem == "" {
			problem = s.uuidProblem(key) // uuid_keys.go
		}
		return key, problem, http.StatusBadRequest
	}
	key = values[0]
	if len(key) > maxIndexedKey {
		return "", "internal error: value too long for column idempotency_key", http.StatusInternalServerError
	}
	return key, "", 0
}

// keyScope is scopeOf, or, under FlawKeysNotScopedToCaller, the route and
// key alone: every caller shares one namespace; under
// FlawBodyOnlyFingerprint, the method and the path without its query.
func (s *server) keyScope(r *http.Request, key string) string {
	if s.policy.bodyOnly {
		return bodyOnlyScope(r, key) // capture.go
	}
	if s.policy.callerBlind {
		return r.Pattern + " " + strconv.Quote(key)
	}
	return scopeOf(r, key)
}

// pathBlindFingerprint is FlawPathBlindFingerprint's fingerprint: the
// method and the body, not the concrete path. Keys are scoped per route
// ("POST /v1/payments/{id}/refunds"), so the same key and body on another
// payment look like a retry.
func pathBlindFingerprint(r *http.Request, body []byte) string {
	return r.Method + "\n" + canonicalJSON(body)
}

// markReplay sets the replay header, except under FlawNoReplayHeader.
func (s *server) markReplay(w http.ResponseWriter) {
	if !s.policy.noReplayMark {
		w.Header().Set(ReplayedHeader, "true")
	}
}

// finishKey stores resp under e (keyStore.finish), or, under
// FlawErrorsNotStored, releases the key after any 4xx as if the request
// had never been made.
func (s *server) finishKey(e *keyEntry, resp response) {
	if s.policy.forgetErrors && resp.status >= 400 && resp.status < 500 {
		s.keys.mu.Lock()
		s.keys.forget(e)
		s.keys.mu.Unlock()
		return
	}
	s.keys.finish(e, resp)
}

// softDeclines remembers FlawErrorsNotStored's declined authorizations by
// caller and key, the retry reference the server forwards to the network.
type softDeclines struct {
	mu   sync.Mutex
	seen map[string]bool
}

// approveRetry reports whether a DeclinedAmount payment is approved: under
// FlawErrorsNotStored, when the network declined it once before under the
// same caller and key (a soft decline); never on the correct server.
func (s *server) approveRetry(r *http.Request) bool {
	if !s.policy.forgetErrors {
		return false
	}
	id := scopeOf(r, r.Header.Get(KeyHeader))
	d := &s.soft
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[id] {
		return true
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if len(d.seen) < MaxKeys {
		d.seen[id] = true
	}
	return false
}
