package generic

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RequestIDHeader names each answer's request (not part of a stored
// response: a replay carries its own).
const RequestIDHeader = "Request-Id"

// ServeHTTP validates the request against the document, runs it through
// the idempotency layer and processes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer names its request, as Stripe's Request-Id does; the
	// tests find an invalid request's sender by it.
	reqID := fmt.Sprintf("req_%d", s.stats.requests.Add(1))
	w.Header().Set(RequestIDHeader, reqID)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.write(w, r, plainError(http.StatusRequestEntityTooLarge, "request body too large or unreadable"))
		return
	}
	ms, pathFound := s.router.find(r.Method, r.URL.EscapedPath())
	if len(ms) == 0 {
		s.recordUnrouted(r)
		if pathFound {
			s.write(w, r, plainError(http.StatusMethodNotAllowed, "method not allowed"))
			return
		}
		s.write(w, r, plainError(http.StatusNotFound, "no such path"))
		return
	}
	v, iv := s.validate(r.Context(), r, body, ms)
	if iv != nil {
		iv.RequestID = reqID
		s.recordInvalid(*iv)
		s.write(w, r, s.checked(r, &validated{match: ms[0]}, s.errorResponse(ms[0].route, http.StatusBadRequest, "invalid request: "+strings.Join(iv.Reasons, "; "))))
		return
	}
	om := s.model.ops[v.route]
	key, present, problem := s.keyOf(r, v, om)
	switch {
	case problem != "":
		s.write(w, r, s.checked(r, v, s.errorResponse(v.route, http.StatusBadRequest, problem))) // never stored
		return
	case !present:
		s.write(w, r, s.checked(r, v, s.process(v, om)))
		return
	}
	scope := s.principal(r) + " " + v.method + " " + v.path + " " + strconv.Quote(key)
	e, o := s.keys.begin(scope, fingerprint(r, body))
	switch o {
	case fresh:
		resp := s.checked(r, v, s.process(v, om))
		s.keys.finish(e, resp)
		s.write(w, r, resp)
	case replay:
		s.stats.replayed.Add(1)
		resp := s.keys.stored(e)
		resp.header = resp.header.Clone()
		resp.header.Set(ReplayedHeader, "true")
		s.write(w, r, resp)
	case inFlight:
		s.stats.inFlight.Add(1)
		resp := s.errorResponse(v.route, http.StatusConflict, "a request with this idempotency key is in progress")
		resp.header.Set("Retry-After", "1")
		s.write(w, r, s.checked(r, v, resp))
	case mismatch:
		s.stats.reused.Add(1)
		s.write(w, r, s.checked(r, v, s.errorResponse(v.route, http.StatusUnprocessableEntity, "the idempotency key was used with another request")))
	}
}

// keyOf reads the request's idempotency key where its operation has it.
// present is false when the request carries none (the document makes it
// optional, or the operation is a read); problem is a malformed key, for a
// 400 that is never stored.
func (s *Server) keyOf(r *http.Request, v *validated, om *opModel) (key string, present bool, problem string) {
	if om.key.name == "" {
		return "", false, ""
	}
	if om.key.in == keyHeader {
		values := r.Header.Values(om.key.name)
		if len(values) == 0 {
			return "", false, ""
		}
		key, problem = parseKey(values)
		return key, true, problem
	}
	m, ok := v.body.(map[string]any)
	if !ok {
		return "", false, ""
	}
	raw, ok := m[om.key.name]
	if !ok {
		return "", false, ""
	}
	if list, ok := raw.([]any); ok && len(list) == 1 { // a form field decoded as a list
		raw = list[0]
	}
	key, _ = raw.(string)
	if key == "" || len(key) > MaxKeyLength {
		return "", true, "the idempotency key must be 1 to 255 characters"
	}
	return key, true, ""
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, resp response) {
	for k, vs := range resp.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead && resp.status != http.StatusNoContent && resp.status != http.StatusNotModified {
		w.Write(resp.body) //nolint:errcheck // the client is gone; nothing to do
	}
}

// pause spends the processing time. The client hanging up does not stop
// it: a correct server finishes and stores what it started.
func (s *Server) pause() {
	if s.opts.ProcessingTime > 0 {
		time.Sleep(s.opts.ProcessingTime)
	}
}

// process runs the operation's business logic, free of idempotency
// concerns.
func (s *Server) process(v *validated, om *opModel) (resp response) {
	s.pause()
	s.stats.processed.Add(1)
	defer func() {
		if p := recover(); p != nil {
			s.problem("panic processing " + v.method + " " + v.key + ": " + strings.TrimSpace(strings.SplitN(toString(p), "\n", 2)[0]))
			resp = plainError(http.StatusInternalServerError, "internal error")
		}
	}()
	switch om.kind {
	case kindList:
		return s.list(v, om)
	case kindRead:
		return s.read(v, om)
	case kindCreate:
		return s.create(v, om)
	case kindUpsert:
		return s.upsert(v, om)
	case kindUpdate:
		return s.update(v, om)
	case kindDelete:
		return s.remove(v, om)
	}
	return s.action(v, om)
}

func toString(p any) string {
	if e, ok := p.(error); ok {
		return e.Error()
	}
	if s, ok := p.(string); ok {
		return s
	}
	return "panic"
}

// ctxTimeout bounds response checks.
const ctxTimeout = 10 * time.Second

func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ctxTimeout)
}
