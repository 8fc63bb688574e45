package openapi

import (
	"encoding/json"
	"fmt"

	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// checkBaseURL is where proof requests point; they are never sent.
const checkBaseURL = "http://idemcheck.invalid"

// placeholderKey stands in for the key while proving a request valid, so
// that an operation whose key is required validates: it has the shape of
// the keys the probes send (idemcheck-<24 hex>), made to the key's format
// (keyformat.go) like theirs.
const placeholderKey = "idemcheck-4f1c2b7e8d3a4e5f9a6b0c1d"

// check proves req (with body instead of req.Body when body is not nil)
// valid against the operation, with security left out: credentials are the
// user's business, not the document's.
func (s *synth) check(req *Request, body *Body) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("validator failed on this request")
		}
	}()
	r := *req
	if body != nil {
		r.Body = body
	}
	hr, err := r.Build(checkBaseURL, s.key, s.key.Format.Make(placeholderKey, ""), nil, nil)
	if err != nil {
		return err
	}
	hr = hr.WithContext(s.ctx)
	route := &routers.Route{
		Spec: s.t, Path: s.r.path, PathItem: s.r.item,
		Method: s.r.method, Operation: s.r.op,
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    hr,
		PathParams: s.pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			ExcludeResponseBody:     true,
			SkipSettingDefaults:     true,
			SchemaValidationOptions: formatOptions, // formats.go
		},
	}
	if r.Body == nil || !s.media.form {
		err := openapi3filter.ValidateRequest(s.ctx, in)
		if err == nil || !s.media.multipart || !strings.Contains(err.Error(), "unsupported schema of request body") {
			return cleanErr(err)
		}
		// kin-openapi decodes multipart bodies only under a schema that
		// says type: object; without it, check the value as for forms.
		hr, err = r.Build(checkBaseURL, s.key, s.key.Format.Make(placeholderKey, ""), nil, nil)
		if err != nil {
			return err
		}
		in.Request = hr.WithContext(s.ctx)
	}
	// kin-openapi decodes form bodies by the OpenAPI styles, not the
	// bracket style (a[b]=1, a[0]=x) that form APIs such as Stripe read and
	// Request.Build writes; so a form body is checked as the value it
	// encodes, and the rest of the request by the filter.
	in.Options.ExcludeRequestBody = true
	if err := openapi3filter.ValidateRequest(s.ctx, in); err != nil {
		return cleanErr(err)
	}
	v := r.Body.Value
	if s.key.In == KeyFormField || s.key.In == KeyBodyField {
		v = r.Body.With(s.key.Name, s.key.Format.Make(placeholderKey, "")).Value
	}
	if sc := s.media.schema(); sc != nil && sc.Value != nil {
		if err := sc.Value.VisitJSON(jsonValue(v), requestValidation()...); err != nil {
			return cleanErr(fmt.Errorf("request body has an error: %w", err))
		}
	}
	return nil
}

// jsonValue normalises a Go value to what encoding/json would decode
// (float64 numbers, []any, map[string]any), as the schema validator expects.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// cleanErr trims the schema dump kin-openapi appends to validation errors.
func cleanErr(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, cut := range []string{"\nSchema:", "\nValue:"} {
		if i := strings.Index(msg, cut); i >= 0 {
			msg = msg[:i]
		}
	}
	return errors.New(msg)
}
