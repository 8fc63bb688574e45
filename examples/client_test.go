package examples

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// client talks to one started example as one principal.
type client struct {
	base, auth string
}

var principals atomic.Int64

// newClient returns a client with a principal of its own, so side-effect
// counts see only its requests.
func newClient(base string) *client {
	return &client{base: base, auth: fmt.Sprintf("Bearer probe-%d", principals.Add(1))}
}

type reply struct {
	status   int
	body     string
	replayed bool
}

// do sends a request; key "-" sends none.
func (c *client) do(method, path, key, body string) (reply, error) {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", c.auth)
	if key != "-" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b), resp.Header.Get("Idempotent-Replayed") == "true"}, err
}

// count is the number of payments the client's principal sees, not counting
// the seed payment every principal sees.
func (c *client) count() (int, error) {
	r, err := c.do("GET", "/v1/payments", "-", "")
	if err != nil {
		return 0, err
	}
	var list struct{ Data []json.RawMessage }
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		return 0, fmt.Errorf("list payments: %d %q: %w", r.status, r.body, err)
	}
	return len(list.Data) - 1, nil
}

var keys atomic.Int64

func freshKey() string { return fmt.Sprintf("00000000-0000-4000-8000-%012x", keys.Add(1)) } // a UUID: every variant accepts it
