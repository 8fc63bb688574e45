package wire

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Drop dials req's host, writes req in HTTP/1.1 form with the headers
// net/http would add, waits after (0: not at all), and closes the
// connection without reading a byte of the response: a client that timed
// out, crashed or lost its network. net/http cannot do that faithfully (it
// may retry, pool the connection, or read the response before it notices a
// cancelled context). Drop returns once the connection is closed; the wait
// honours ctx and the whole exchange is bounded by cfg.Timeout.
func Drop(ctx context.Context, cfg Config, req *http.Request, after time.Duration) error {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	conn, err := Dial(ctx, cfg, req.URL, []string{"http/1.1"}) // req.Write speaks HTTP/1.1
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline) // a failure shows as a write error below
	}
	out, _ := withTransportHeaders(req)
	if err := out.Write(conn); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	if after > 0 {
		if err := sleep(ctx, after); err != nil {
			return err
		}
	}
	return conn.Close()
}
