package generic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Invalid is a request the server refused with 400 because the document
// does not allow it.
type Invalid struct {
	Method    string
	Path      string // as received, with its query
	Operation string // the document's operation: "POST /v1/payments/{id}/refunds"
	// Reasons are the violations, one line each, without the values sent.
	Reasons []string
	// KeyOnly: every violation is about the idempotency key (missing where
	// the document requires it, or not of its declared shape). idemcheck's
	// missing-key and key-format probes send those on purpose.
	KeyOnly bool
	// RequestID is the Request-Id header of the 400 it was answered.
	RequestID string
}

func (iv Invalid) String() string {
	return fmt.Sprintf("%s %s (%s): %s", iv.Method, iv.Path, iv.Operation, strings.Join(iv.Reasons, "; "))
}

// validated is a request the document allows, with the operation it was
// found valid for and its body as kin-openapi decoded it.
type validated struct {
	match
	body  any
	query url.Values
}

// validate checks r against each of the equally specific operations its
// path matches and returns the first it is valid for; otherwise the
// violations found against the first.
func (s *Server) validate(ctx context.Context, r *http.Request, body []byte, ms []match) (*validated, *Invalid) {
	var first *Invalid
	for _, m := range ms {
		v, err := s.validateOne(ctx, r, body, m)
		if err == nil {
			return v, nil
		}
		if first == nil {
			first = &Invalid{Method: r.Method, Path: r.URL.RequestURI(), Operation: m.method + " " + m.key}
			first.Reasons, first.KeyOnly = s.explain(err, s.model.ops[m.route].key)
		}
	}
	return nil, first
}

func (s *Server) validateOne(ctx context.Context, r *http.Request, body []byte, m match) (v *validated, err error) {
	defer func() {
		if p := recover(); p != nil {
			// kin-openapi failing on the document is the document's
			// problem, not the request's: noted, and the request served.
			s.problem(fmt.Sprintf("validator panicked on %s %s: %v", m.method, m.key, p))
			v, err = &validated{match: m, query: r.URL.Query()}, nil
		}
	}()
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = nil
	req.ContentLength = int64(len(body))
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: m.params,
		Route:      &routers.Route{Spec: s.view, Path: m.path, PathItem: m.item, Method: m.method, Operation: m.op},
		Options: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc, // not an auth test
			MultiError:              true,
			KeepValidatedValue:      true,
			SchemaValidationOptions: s.valid.opts,
		},
	}
	form := formMedia(m.op, r.Header.Get("Content-Type"))
	if form != nil && len(body) > 0 {
		in.Options.ExcludeRequestBody = true // formbody.go decodes and checks it
	}
	var errs openapi3.MultiError
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		errs = append(errs, err)
	}
	v = &validated{match: m, query: r.URL.Query()}
	if in.Options.ExcludeRequestBody {
		value, err := decodeForm(string(body), form.Schema)
		if err == nil {
			v.body = value
			opts := append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}, s.valid.opts...)
			err = form.Schema.Value.VisitJSON(value, opts...)
		}
		if err != nil {
			errs = append(errs, &openapi3filter.RequestError{Input: in, RequestBody: m.op.RequestBody.Value, Reason: "doesn't match schema", Err: err})
		}
	} else if vb, ok := req.Body.(interface{ ValidatedValue() any }); ok {
		v.body = vb.ValidatedValue()
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return v, nil
}

// explain turns a validation error into one line per violation, and says
// whether all of them concern the idempotency key.
func (s *Server) explain(err error, key keyLoc) (reasons []string, keyOnly bool) {
	keyOnly = key.declared
	var walk func(err error, prefix string)
	walk = func(err error, prefix string) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, x := range e {
				walk(x, prefix)
			}
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				p := e.Parameter
				if !(key.in == keyHeader && p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, key.name)) {
					keyOnly = false
				}
				pre := fmt.Sprintf("%s parameter %q: ", p.In, p.Name)
				switch {
				case e.Err == nil:
					reasons = append(reasons, pre+e.Reason)
				case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
					reasons = append(reasons, pre+"required, missing")
				default:
					walk(e.Err, pre)
				}
			case e.RequestBody != nil:
				switch {
				case e.Err == nil:
					keyOnly = false
					reasons = append(reasons, "body: "+oneLine(e.Reason))
				case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
					keyOnly = false
					reasons = append(reasons, "body: required, missing")
				default:
					walk(e.Err, "body ")
				}
			default:
				keyOnly = false
				reasons = append(reasons, oneLine(e.Error()))
			}
		case *openapi3.SchemaError:
			ptr := "/" + strings.Join(e.JSONPointer(), "/")
			if !(prefix == "body " && aboutKey(e, key)) && !strings.HasPrefix(prefix, "header parameter") {
				keyOnly = false
			}
			reasons = append(reasons, prefix+ptr+": "+oneLine(e.Reason))
		default:
			if prefix == "" || prefix == "body " {
				keyOnly = false
			}
			reasons = append(reasons, prefix+oneLine(err.Error()))
		}
	}
	walk(err, "")
	sort.Strings(reasons)
	reasons = dedupe(reasons)
	return reasons, keyOnly && len(reasons) > 0
}

// aboutKey reports whether a body schema error concerns the key field.
func aboutKey(se *openapi3.SchemaError, key keyLoc) bool {
	if key.in == keyHeader {
		return false
	}
	ptr := se.JSONPointer()
	if len(ptr) > 0 {
		return ptr[0] == key.name
	}
	return se.SchemaField == "required" && strings.Contains(se.Reason, fmt.Sprintf("%q", key.name))
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 240 {
		s = s[:240] + "…"
	}
	return s
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, e := range s {
		if i == 0 || e != s[i-1] {
			out = append(out, e)
		}
	}
	return out
}
