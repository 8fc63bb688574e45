package payments

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// serveKeyed runs ep under the idempotency protocol of idempotency.go, with
// the deviations the server's policy (flaws.go) switches on.
func (s *server) serveKeyed(w http.ResponseWriter, r *http.Request, body []byte, ep endpoint) {
	p := s.policy
	values, present := r.Header[KeyHeader]
	if p.ignoreKey || (!present && p.keyOptional) {
		s.write(w, s.run(r, body, ep))
		return
	}
	if !present {
		s.write(w, errorResponse(http.StatusBadRequest, "invalid_request_error", "the Idempotency-Key header is required"))
		return
	}
	key, problem, status := s.checkKey(values) // flaws_keys.go
	if problem != "" {
		s.write(w, errorResponse(status, "invalid_request_error", problem))
		return
	}
	fp := fingerprint(r, body)
	if p.bodyBlind {
		fp = fingerprint(r, nil)
	}
	if p.pathBlind {
		fp = pathBlindFingerprint(r, body)
	}
	if p.bodyOnly {
		fp = canonicalJSON(body) // capture.go: the query is left out
	}
	var e *keyEntry
	var o outcome
	if p.raceWindow > 0 {
		e, o = s.keys.beginCheckThenAct(s.keyScope(r, key), fp, p.raceWindow, p.raceBusy)
	} else {
		e, o = s.keys.begin(s.keyScope(r, key), fp)
	}
	if o == inFlight && s.opts.InFlight == InFlightWait {
		e, o = s.keys.await(r.Context(), s.keyScope(r, key), fp, MaxInFlightWait)
	}
	if p.repeatEffect && (o == replay || o == inFlight) {
		s.run(r, body, ep) // the duplicate's side effect, response discarded
	}
	switch o {
	case fresh:
		resp := s.confirm(r, s.run(r, body, ep)) // disconnect.go
		s.finishKey(e, resp)
		s.write(w, resp)
	case replay:
		if s.policy.refuseReuse { // flaws_replay.go
			s.write(w, errorResponse(http.StatusUnprocessableEntity, "idempotency_error", "this key has already been used"))
			return
		}
		s.keys.mu.Lock()
		resp := e.resp // immutable once done; copied under the lock anyway
		s.keys.mu.Unlock()
		s.markReplay(w)
		s.write(w, resp)
	case inFlight:
		w.Header().Set("Retry-After", "1")
		s.write(w, errorResponse(http.StatusConflict, "idempotency_error", "a request with this key is in progress"))
	case mismatch:
		s.write(w, errorResponse(s.reuseStatus(), "idempotency_error", "key reused with a different request"))
	}
}

// parseKey validates the key header: present once, 1..MaxKeyLength bytes.
// The RFC 8941 string form ("abc") is the same key as abc. It returns the
// key, or a problem to report with 400.
func parseKey(values []string) (key, problem string) {
	if len(values) != 1 {
		return "", "exactly one Idempotency-Key header is required"
	}
	k := values[0]
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > MaxKeyLength {
		return "", "the Idempotency-Key must be 1 to 255 characters"
	}
	return k, ""
}

// scopeOf names the key's namespace: the caller, the endpoint (the route
// pattern, e.g. "POST /v1/payments/{id}/refunds") and the key itself.
func scopeOf(r *http.Request, key string) string {
	return strconv.Quote(principal(r)) + " " + r.Pattern + " " + strconv.Quote(key)
}

// fingerprint identifies the request: method, concrete path and canonical
// JSON body (re-marshalled, so key order and whitespace do not matter).
func fingerprint(r *http.Request, body []byte) string {
	return r.Method + " " + r.URL.RequestURI() + "\n" + canonicalJSON(body)
}

func canonicalJSON(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return strings.TrimSpace(string(body))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(b)
}
