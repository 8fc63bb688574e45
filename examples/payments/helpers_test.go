package payments

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// api is a test client for one server, over a real socket.
type api struct {
	t    *testing.T
	base string
}

func start(t *testing.T, opts Options) *api {
	t.Helper()
	srv := httptest.NewServer(New(opts))
	t.Cleanup(srv.Close)
	return &api{t: t, base: srv.URL}
}

// reply is a response, read whole.
type reply struct {
	status int
	header http.Header
	body   string
}

// do sends a request; headers are name/value pairs. It fails the test on a
// transport error, so call it from the test goroutine only.
func (a *api) do(method, path, body string, headers ...string) reply {
	a.t.Helper()
	r, err := a.try(method, path, body, headers...)
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

func (a *api) try(method, path, body string, headers ...string) (reply, error) {
	return a.tryContext(context.Background(), method, path, body, headers...)
}

// tryContext is try with a context that can abandon the request.
func (a *api) tryContext(ctx context.Context, method, path, body string, headers ...string) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}, err
}

// count is how many payments the principal (the Authorization value, "" for
// anonymous) sees, the seed payment excluded.
func (a *api) count(auth string) int {
	a.t.Helper()
	var h []string
	if auth != "" {
		h = []string{"Authorization", auth}
	}
	r := a.do("GET", "/v1/payments", "", h...)
	var list struct {
		Data []Payment `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.status != 200 {
		a.t.Fatalf("list payments: %d %s: %v", r.status, r.body, err)
	}
	return len(list.Data) - 1
}

// errType extracts error.type from an error body.
func errType(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct{ Type, Message string }
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error.Type
}

// concurrently sends n copies of the request released together by closing a
// barrier channel, and returns the replies.
func (a *api) concurrently(n int, method, path, body string, headers ...string) []reply {
	replies := make([]reply, n)
	barrier := make(chan struct{})
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-barrier
			r, err := a.try(method, path, body, headers...)
			if err != nil {
				a.t.Error(err)
			}
			replies[i] = r
		}()
	}
	close(barrier)
	for range n {
		<-done
	}
	return replies
}

const body1 = `{"amount":2000,"currency":"usd","description":"first"}`
const body2 = `{"amount":2500,"currency":"usd","description":"second"}`

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}
