package cmd

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// selfReferencing is issue 23's document: its only keyed operation has a
// request schema that requires itself, so no request can be planned.
const selfReferencing = `openapi: 3.0.0
info: {title: self-referencing, version: "1"}
paths:
  /nodes:
    post:
      operationId: createNode
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Node"}
      responses: {"201": {description: created}}
components:
  schemas:
    Node:
      type: object
      required: [child]
      properties:
        child: {$ref: "#/components/schemas/Node"}
`

// TestNothingAtTheGateIsUntestable: every probe skipped (only spec, which
// is info, ran) used to say "--fail-on major: passed" and exit 0.
func TestNothingAtTheGateIsUntestable(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "selfref.yaml")
	if err := os.WriteFile(spec, []byte(selfReferencing), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	code, stdout, stderr := runCLI(t, "check", "--spec", spec, "--base-url", srv.URL, "--no-color", "--quiet")
	want := "no probe at or above --fail-on major could run: 1 operation, only probes below the gate ran (spec ×1), the others skipped: operation not planned: no valid request: no body could be generated (×10)"
	if code != ExitError || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if !strings.Contains(stdout, "--fail-on major: NOT TESTED") {
		t.Errorf("the summary does not say NOT TESTED:\n%s", stdout)
	}
}

// TestReasonsInTheServersTerms pins, through the CLI's exit code and its
// one-line error, what a run says of a server that answered badly (issue
// 23): before any probe (the reachability check), and in a run whose every
// POST is redirected, throttled, failed or refused.
func TestReasonsInTheServersTerms(t *testing.T) {
	spec := specFile(t)
	api := payments.New(payments.Options{})
	onPost := func(answer http.HandlerFunc) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				answer(w, r)
				return
			}
			api.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	answer := func(code int, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(code)
		}
	}
	raw := func(answer func(net.Conn)) string {
		return wiretest.Listen(t, func(c net.Conn) {
			if wiretest.ReadRequest(bufio.NewReader(c)) != nil {
				answer(c)
			}
		})
	}
	correct := httptest.NewServer(api)
	t.Cleanup(correct.Close)
	const notReachable = "is unreachable"
	tests := []struct {
		name  string
		base  string
		flags []string
		want  string // in the one-line error on stderr
		not   string // never in it
	}{
		{
			name: "a malformed status line", base: raw(func(c net.Conn) { io.WriteString(c, "HTTP/1.1 abc OK\r\n\r\n") }), //nolint:errcheck
			want: `answered with a malformed response: malformed HTTP status code "abc"`, not: notReachable,
		},
		{
			name: "an endless header", base: raw(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Endless: ") //nolint:errcheck
				wiretest.Endless(c, bytes.Repeat([]byte("e"), 32<<10))
			}),
			want: "answered with a malformed response: server response headers exceeded 1048576 bytes", not: notReachable,
		},
		{
			name: "a slow header", base: raw(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\n") //nolint:errcheck
				for {
					time.Sleep(20 * time.Millisecond)
					if _, err := io.WriteString(c, "X-Slow: a\r\n"); err != nil {
						return
					}
				}
			}),
			flags: []string{"--timeout", "300ms"},
			want:  "began to answer but did not finish its headers within 300ms (--timeout)", not: notReachable,
		},
		{
			name: "--timeout 1ns", base: correct.URL, flags: []string{"--timeout", "1ns"},
			want: "could not be reached within 1ns (--timeout): too short for any answer; raise --timeout", not: notReachable,
		},
		{
			name: "every POST redirected", base: onPost(answer(http.StatusTemporaryRedirect, "Location", "http://127.0.0.1:1/v1/payments?key=s3cret")),
			want: "the server redirected it (status 307 to http://127.0.0.1:1/v1/payments), so the experiment proves nothing; idemcheck does not follow redirects (it talks to the base URL only)", not: "fix the request",
		},
		{
			name: "every POST throttled", base: onPost(answer(http.StatusTooManyRequests, "Retry-After", "3600")),
			want: "the server throttled the run (status 429, Retry-After: 3600), so the experiment proves nothing; wait before running again, or lower the request rate with --rate", not: "fix the request",
		},
		{
			name: "every POST failed", base: onPost(answer(http.StatusInternalServerError)),
			want: "the server failed (status 500), so the experiment proves nothing; the failure is the server's, not the request's", not: "fix the request",
		},
		{
			name: "every POST refused", base: onPost(answer(http.StatusUnauthorized)),
			want: "was not processed (status 401), so the experiment proves nothing; fix the request (-H, --config: body, path_params, key format) first",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"check", "--spec", spec, "--base-url", tt.base, "--operations", "createPayment", "--probes", "replay", "--no-color", "--quiet"}, tt.flags...)
			code, _, stderr := runCLI(t, args...)
			if code != ExitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q\nwant exit 2 and %q", code, stderr, tt.want)
			}
			if tt.not != "" && strings.Contains(stderr, tt.not) {
				t.Errorf("stderr %q says %q", stderr, tt.not)
			}
		})
	}
}
