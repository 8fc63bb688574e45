package probes

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// postsAnswer serves the example API, but answers the POSTs from the n-th
// on with answer.
func postsAnswer(n int64, answer http.HandlerFunc) http.Handler {
	api := payments.New(payments.Options{})
	var posts atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) >= n {
			answer(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

func answerStatus(code int, header map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body) //nolint:errcheck
	}
}

// rawAnswer writes raw bytes as the answer.
func rawAnswer(raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) //nolint:errcheck
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, raw) //nolint:errcheck
	}
}

// TestErrorsNameWhatTheServerDid pins issue 23's wording: a redirect, a
// throttle, a server failure and a broken answer each say what happened
// and what to do; only a refusal (a 4xx) sends the user to fix the request.
func TestErrorsNameWhatTheServerDid(t *testing.T) {
	const fixRequest = "fix the request (-H, --config"
	tests := []struct {
		name    string
		probe   string
		handler http.Handler
		want    string
	}{
		{
			name: "a redirect is not followed, and says where it pointed", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusTemporaryRedirect, map[string]string{"Location": "https://api.example.com/v2/payments?token=s3cret#x"}, "")),
			want:    "first request was not processed: the server redirected it (status 307 to https://api.example.com/v2/payments), so the experiment proves nothing; idemcheck does not follow redirects (it talks to the base URL only): point --base-url where the API answers",
		},
		{
			name: "a 429 throttles the run, quoting Retry-After", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusTooManyRequests, map[string]string{"Retry-After": "3600"}, `{"error":{"message":"Too many requests"}}`)),
			want:    `first request was not processed: the server throttled the run (status 429: "Too many requests", Retry-After: 3600), so the experiment proves nothing; wait before running again, or lower the request rate with --rate`,
		},
		{
			name: "a 503 with Retry-After throttles too", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusServiceUnavailable, map[string]string{"Retry-After": "Wed, 21 Oct 2037 07:28:00 GMT"}, "")),
			want:    "first request was not processed: the server throttled the run (status 503, Retry-After: Wed, 21 Oct 2037 07:28:00 GMT), so the experiment proves nothing; wait before running again, or lower the request rate with --rate",
		},
		{
			name: "a 500 is the server's failure", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusInternalServerError, nil, `{"message":"nil pointer dereference"}`)),
			want:    `first request was not processed: the server failed (status 500: "nil pointer dereference"), so the experiment proves nothing; the failure is the server's, not the request's`,
		},
		{
			name: "a 503 without Retry-After too", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusServiceUnavailable, nil, "")),
			want:    "first request was not processed: the server failed (status 503), so the experiment proves nothing; the failure is the server's, not the request's",
		},
		{
			name: "a 4xx refusal keeps the advice about the request", probe: "replay",
			handler: postsAnswer(1, answerStatus(http.StatusUnauthorized, nil, `{"error":"missing credentials"}`)),
			want:    `first request was not processed (status 401: "missing credentials"), so the experiment proves nothing; ` + fixRequest + `: body, path_params, key format) first`,
		},
		{
			name: "a throttled reuse says wait or --rate", probe: "mismatch-body",
			handler: postsAnswer(3, answerStatus(http.StatusTooManyRequests, map[string]string{"Retry-After": "3600"}, "")),
			want:    "the server throttled the reuse (status 429, Retry-After: 3600), which says nothing about the key; wait before running again, or lower the request rate with --rate",
		},
		{
			name: "a malformed status line is an answer, not silence", probe: "replay",
			handler: postsAnswer(1, rawAnswer("HTTP/1.1 abc OK\r\n\r\n")),
			want:    `first request: the server answered with a malformed response: malformed HTTP status code "abc"`,
		},
		{
			name: "a hang-up after the headers", probe: "replay",
			handler: postsAnswer(1, rawAnswer("HTTP/1.1 201 Created\r\nContent-Length: 50\r\n\r\n{\"id\":")),
			want:    "first request: the server answered 201 but broke off its body: unexpected EOF",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			r := runOnPayment(t, srv.URL, tt.probe)
			if r.Verdict != Error || r.Reason != tt.want {
				t.Errorf("%s %q\nwant error %q", r.Verdict, r.Reason, tt.want)
			}
			if !strings.Contains(tt.name, "4xx") && strings.Contains(r.Reason, fixRequest) {
				t.Errorf("%q: advice about the request for what is not the request's fault", r.Reason)
			}
		})
	}
}

// runOnPayment runs one probe on createPayment against base.
func runOnPayment(t *testing.T, base, id string) Result {
	t.Helper()
	p, err := Select([]string{id})
	if err != nil {
		t.Fatal(err)
	}
	env := Config{BaseURL: base, Timeout: 5 * time.Second}
	return RunTargets(t.Context(), DefaultTargets([]openapi.Operation{createPayment()}), p, env)[0]
}
