package openapi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The error-replay probe needs a request that fails with a business error (a
// declined card, an insufficient balance): valid against the document, yet
// refused once the operation started executing. Nothing in OpenAPI says which
// body does that, so the planner reads it from two places, in order:
//
//  1. the operation's x-idemcheck-error-body extension: the body itself;
//  2. a named request example paired with a named example of a 4xx response
//     (the convention of mock servers such as Microcks and Prism, which match
//     request and response examples by name), when the status is a business
//     error, not a validation, auth, conflict or rate-limit one.
//
// The body must validate against the document like any planned body: an
// invalid one would fail validation (400), which providers legitimately do
// not store, and prove nothing.

// ErrorBodyExtension is the operation extension that names an error request.
const ErrorBodyExtension = "x-idemcheck-error-body"

// notBusinessErrors are the 4xx statuses that are not business errors.
var notBusinessErrors = map[int]bool{400: true, 401: true, 403: true, 405: true, 406: true, 408: true,
	409: true, 413: true, 415: true, 422: true, 425: true, 428: true, 429: true}

// errorBody returns the body of a request that fails with a business error,
// proven valid against the document, or nil; why not is added to notes.
func (s *synth) errorBody(req *Request) *Body {
	v, source := s.errorValue()
	if source == "" {
		return nil
	}
	ct := "application/json"
	if req.Body != nil {
		ct = req.Body.ContentType
	}
	if m, ok := v.(map[string]any); ok && strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		v = formValues(m)
	}
	b := &Body{ContentType: ct, Value: deepCopy(v)}
	if err := s.check(req, b); err != nil {
		s.notes = append(s.notes, fmt.Sprintf("the error request of %s is not valid against the document, so error-replay is skipped: %v", source, err))
		return nil
	}
	return b
}

// errorValue finds the error request's body value and says where from.
func (s *synth) errorValue() (any, string) {
	if s.ov != nil && s.ov.HasErrorBody {
		return s.ov.ErrorBody, "error_body in " + s.ov.Source
	}
	if v, ok := s.r.op.Extensions[ErrorBodyExtension]; ok && v != nil {
		return v, ErrorBodyExtension
	}
	if s.media == nil || s.media.mt == nil || len(s.media.mt.Examples) == 0 || s.r.op.Responses == nil {
		return nil, ""
	}
	statuses := sortedKeys(s.r.op.Responses.Map())
	for _, name := range sortedKeys(s.media.mt.Examples) {
		ex := s.media.mt.Examples[name]
		if ex == nil || ex.Value == nil || ex.Value.Value == nil {
			continue
		}
		for _, code := range statuses {
			n, err := strconv.Atoi(code)
			if err != nil || n < 400 || n > 499 || notBusinessErrors[n] {
				continue
			}
			if hasNamedExample(s.r.op.Responses.Map()[code].Value, name) {
				return ex.Value.Value, fmt.Sprintf("request example %q (paired with the %d response's)", name, n)
			}
		}
	}
	return nil, ""
}

// isErrorExample reports whether the request example called name is paired
// with a business-error response example: it is the error request, never
// the request the other probes send (which must succeed).
func (s *synth) isErrorExample(name string) bool {
	if s.r.op.Responses == nil {
		return false
	}
	for code, resp := range s.r.op.Responses.Map() {
		n, err := strconv.Atoi(code)
		if err == nil && n >= 400 && n <= 499 && !notBusinessErrors[n] && resp != nil && hasNamedExample(resp.Value, name) {
			return true
		}
	}
	return false
}

// hasNamedExample reports whether a response has an example called name,
// in any of its media types.
func hasNamedExample(resp *openapi3.Response, name string) bool {
	if resp == nil {
		return false
	}
	for _, mt := range resp.Content {
		if mt != nil && mt.Examples[name] != nil {
			return true
		}
	}
	return false
}
