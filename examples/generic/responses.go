package generic

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// success chooses the success response of op: prefer when the document
// declares it, else the lowest 2xx, else a 2XX range or the default
// response (as 200). It returns the status, the media type and its schema
// ("" and nil for a response without content).
func (s *Server) success(op *openapi3.Operation, prefer int) (int, string, *openapi3.SchemaRef) {
	return successOf(op, prefer)
}

func successOf(op *openapi3.Operation, prefer int) (int, string, *openapi3.SchemaRef) {
	if op.Responses == nil {
		return http.StatusOK, "", nil
	}
	var codes []int
	for code := range op.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			codes = append(codes, n)
		}
	}
	sort.Ints(codes)
	var ref *openapi3.ResponseRef
	status := http.StatusOK
	switch {
	case prefer != 0 && op.Responses.Status(prefer) != nil:
		status, ref = prefer, op.Responses.Status(prefer)
	case len(codes) > 0:
		status, ref = codes[0], op.Responses.Status(codes[0])
	case op.Responses.Value("2XX") != nil:
		ref = op.Responses.Value("2XX")
	default:
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil || status == http.StatusNoContent {
		return status, "", nil
	}
	media, sch := pickMedia(ref.Value.Content)
	return status, media, sch
}

// pickMedia prefers JSON.
func pickMedia(content openapi3.Content) (string, *openapi3.SchemaRef) {
	if len(content) == 0 {
		return "", nil
	}
	types := sortedKeys(content)
	best := types[0]
	for _, t := range types {
		if strings.HasPrefix(t, "application/json") {
			best = t
			break
		}
		if jsonish(t) && !jsonish(best) {
			best = t
		}
	}
	if mt := content[best]; mt != nil {
		return best, mt.Schema
	}
	return best, nil
}

func jsonish(media string) bool {
	return strings.Contains(media, "json") || strings.HasPrefix(media, "*/*")
}

func (s *Server) renderOrNil(sch *openapi3.SchemaRef, rc *renderCtx) any {
	if sch == nil {
		return nil
	}
	return s.render(sch, rc)
}

// encode writes value in the media type; a non-JSON type gets a small
// body of its kind.
func (s *Server) encode(status int, media string, value any) response {
	resp := response{status: status, header: http.Header{}}
	if media == "" || status == http.StatusNoContent {
		return resp
	}
	ct := media
	switch {
	case jsonish(media):
		if strings.Contains(ct, "*") {
			ct = "application/json"
		}
		b, err := json.Marshal(value)
		if err != nil {
			s.problem(fmt.Sprintf("encode a response: %v", err))
			return plainError(http.StatusInternalServerError, "encode response")
		}
		resp.body = append(b, '\n')
	case strings.HasPrefix(media, "text/"):
		if str, ok := value.(string); ok {
			resp.body = []byte(str)
		} else {
			resp.body = []byte("ok")
		}
	default:
		if strings.Contains(ct, "*") {
			ct = "application/octet-stream"
		}
		resp.body = []byte("binary content")
	}
	resp.header.Set("Content-Type", ct)
	return resp
}

// errorResponse answers status with msg in the error body the operation
// declares for it (its status, its range, or its default response), else
// in a plain JSON error.
func (s *Server) errorResponse(rt *route, status int, msg string) response {
	k := errorKey{rt, status, msg}
	if r, ok := s.errors.get(k); ok {
		return cloneResponse(r) // callers add headers (Retry-After)
	}
	r := s.makeErrorResponse(rt, status, msg)
	s.errors.put(k, cloneResponse(r))
	return r
}

func (s *Server) makeErrorResponse(rt *route, status int, msg string) response {
	if rt != nil && rt.op.Responses != nil {
		ref := rt.op.Responses.Status(status)
		if ref == nil {
			ref = rt.op.Responses.Value(fmt.Sprintf("%dXX", status/100))
		}
		if ref == nil {
			ref = rt.op.Responses.Default()
		}
		if ref != nil && ref.Value != nil {
			if media, sch := pickMedia(ref.Value.Content); sch != nil && jsonish(media) {
				// the message goes where the error explains itself, where
				// its schema allows it (PayPal's messages are an enum)
				fields := map[string]any{}
				for _, k := range messageNames {
					fields[k] = msg
				}
				return s.encode(status, media, s.render(sch, &renderCtx{seed: hash64(msg), fields: fields}))
			}
		}
	}
	return plainError(status, msg)
}

// messageNames are the properties an error body explains itself in.
var messageNames = []string{"message", "detail", "error_message", "error_description", "title"}

func plainError(status int, msg string) response {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"type": strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_")), "message": msg}})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return response{status: status, header: h, body: append(b, '\n')}
}

// checked validates resp against the document when Options.CheckResponses
// asks, and records what is wrong.
func (s *Server) checked(r *http.Request, v *validated, resp response) response {
	if !s.opts.CheckResponses {
		return resp
	}
	k := checkKey{op: v.op, status: resp.status, sum: responseSum(resp)}
	res, ok := s.checks.get(k)
	if !ok {
		res = s.check(r, v, resp)
		s.checks.put(k, res)
	}
	switch {
	case res.msg == "":
	case res.docIssue:
		s.docIssue(res.msg) // see DocumentIssues
	default:
		s.problem(res.msg)
	}
	return resp
}

// responseSum is the SHA-256 of what a response check reads: the headers
// and the body.
func responseSum(resp response) [sha256.Size]byte {
	h := sha256.New()
	for _, name := range sortedKeys(resp.header) {
		for _, v := range resp.header[name] {
			fmt.Fprintf(h, "%s: %s\n", name, v)
		}
	}
	h.Write([]byte{0})
	h.Write(resp.body)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// check validates resp against the document.
func (s *Server) check(r *http.Request, v *validated, resp response) checkResult {
	ctx, cancel := background()
	defer cancel()
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: v.params,
			Route:      &routers.Route{Spec: s.view, Path: v.path, PathItem: v.item, Method: v.method, Operation: v.op},
		},
		Status: resp.status,
		Header: resp.header,
		Body:   io.NopCloser(bytes.NewReader(resp.body)),
		Options: &openapi3filter.Options{
			MultiError:              true,
			SchemaValidationOptions: s.valid.opts,
		},
	}
	err := openapi3filter.ValidateResponse(ctx, in)
	if err == nil {
		return checkResult{}
	}
	msg := fmt.Sprintf("response %d of %s %s is not valid for the document: %s", resp.status, v.method, v.key, oneLine(err.Error()))
	return checkResult{msg: msg, docIssue: onlyAmbiguousOneOf(err)}
}

// onlyAmbiguousOneOf reports whether every violation in err is a value
// that matches several alternatives of a oneOf.
func onlyAmbiguousOneOf(err error) bool {
	leaves := 0
	ok := true
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			if strings.Contains(se.Reason, "matches more than one") {
				leaves++
				return
			}
			var inner *openapi3.SchemaError
			if errors.As(se.Origin, &inner) || errors.As(se.Origin, &me) {
				walk(se.Origin)
				return
			}
			leaves++
			ok = false
			return
		}
		var re *openapi3filter.ResponseError
		if errors.As(err, &re) && re.Err != nil {
			walk(re.Err)
			return
		}
		leaves++
		ok = false
	}
	walk(err)
	return ok && leaves > 0
}
