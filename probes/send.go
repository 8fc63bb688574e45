package probes

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/openapi"
)

// reply is a received response with its full (capped) body, for comparisons.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
	// Truncated says the body was longer than MaxBody and was cut there.
	Truncated bool
}

// is2xx reports whether the request was processed successfully.
func (r *reply) is2xx() bool { return r != nil && r.Status >= 200 && r.Status < 300 }

// is4xx reports whether the request was rejected as a client error.
func (r *reply) is4xx() bool { return r != nil && r.Status >= 400 && r.Status < 500 }

// send performs req with the per-request timeout and reads the body.
func send(ctx context.Context, env *run, req *http.Request) (*reply, error) {
	if err := env.limit.wait(ctx, 1); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, env.Timeout)
	defer cancel()
	var p wire.Progress
	resp, err := env.Client.Do(req.WithContext(wire.Trace(countWrites(rctx), &p)))
	if err != nil {
		return nil, explainSend(ctx, err, &p, env.Timeout)
	}
	defer resp.Body.Close()
	p.Answered(resp.StatusCode)
	body, truncated, err := readCapped(resp.Body)
	if err != nil {
		return nil, explainSend(ctx, err, &p, env.Timeout)
	}
	return &reply{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated}, nil
}

// readCapped reads a response body, cut at MaxBody (truncated says so).
func readCapped(r io.Reader) (body []byte, truncated bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, MaxBody+1))
	if len(body) > MaxBody {
		return body[:MaxBody], true, err
	}
	return body, false, err
}

// explainSend words a failed exchange by what the server did ("the server
// answered with a malformed response: …", "the server began to answer but
// did not finish its headers within 10s (--timeout)"), not by where Go's
// client stopped. When the run itself stopped (ctx), that is the reason.
func explainSend(ctx context.Context, err error, p *wire.Progress, timeout time.Duration) error {
	if ctx.Err() != nil {
		return err
	}
	return fmt.Errorf("the server %w", wire.Explain(err, p, timeout))
}

// credentialHeaders are redacted in evidence wherever they appear.
var credentialHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
	"Api-Key":             true,
}

// redactHeader copies h for evidence, hiding credentials and every header
// the user supplied with -H (they are usually credentials too).
func redactHeader(h http.Header, user http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	for name, vs := range h {
		if credentialHeaders[name] || user.Get(name) != "" || strings.Contains(strings.ToLower(name), "token") || strings.Contains(strings.ToLower(name), "secret") {
			out[name] = []string{"[redacted]"}
			continue
		}
		out[name] = append([]string(nil), vs...)
	}
	return out
}

// recordRequest makes the evidence copy of a request and its body.
func recordRequest(req *http.Request, body []byte, user http.Header) RequestRecord {
	return RequestRecord{
		Method: req.Method,
		URL:    req.URL.Redacted(),
		Header: redactHeader(req.Header, user),
		Body:   string(body),
	}
}

// recordResponse makes the evidence copy of a reply.
func recordResponse(r *reply, user http.Header) *Response {
	if r == nil {
		return nil
	}
	return &Response{Status: r.Status, Header: redactHeader(r.Header, user), Body: string(r.Body), BodyTruncated: r.Truncated}
}

// requestBody reads back a built request's body for evidence, restoring it.
func requestBody(req *http.Request) []byte {
	if req.GetBody == nil {
		return nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, MaxBody))
	return b
}

// timed runs f and returns how long it took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// buildFor builds op's request with key (none when empty) and body (op's
// own when nil).
func buildFor(x *Experiment, op *openapi.Operation, key string, body *openapi.Body) (*http.Request, error) {
	return buildWith(x, x.run, op, key, body)
}

// buildWith is buildFor with env's base URL and headers (another
// principal's, for cross-principal's parents).
func buildWith(x *Experiment, env *run, op *openapi.Operation, key string, body *openapi.Body) (*http.Request, error) {
	body = withCanary(x, op, key, body) // canary.go: each key its own canary
	return op.Request.Build(env.BaseURL, op.Key, key, body, env.Header)
}
