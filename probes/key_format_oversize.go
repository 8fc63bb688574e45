package probes

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// oversizeLimit is the header size that common servers accept (8 KiB:
// nginx's and Apache's per-line default; Node.js allows 16 KiB in all). A
// server may refuse a request beyond it by answering 431 and closing the
// connection at once, or by closing it while the client is still writing:
// both are refusals, not failures.
const oversizeLimit = 8 << 10

// errClosedUnanswered is the cause of a closedError.
var errClosedUnanswered = errors.New("connection closed by the server without an answer")

// errRawDial marks a raw connection that could not be opened (for
// instance a TLS server that speaks HTTP/2 only): nothing was sent, so the
// request can go through the ordinary client instead.
var errRawDial = errors.New("raw connection")

// closedError is an oversize request that the server closed the connection
// on before any answer could be read: a refusal by closing.
type closedError struct {
	size      int    // bytes of key sent
	where     string // "header" or "body"
	write     error  // the write's error, nil when the request was written whole
	read      error  // what reading the answer met
	whileSent bool   // the close interrupted the write
}

func (e *closedError) Error() string {
	when := "right after the request was written"
	if e.whileSent {
		when = fmt.Sprintf("while the request was being written (%v)", e.write)
	}
	return fmt.Sprintf("%v %s (read: %v): a %s of %d bytes, beyond the common %d KiB limit, refused by closing the connection",
		errClosedUnanswered, when, e.read, e.where, e.size, oversizeLimit>>10)
}

func (e *closedError) Unwrap() error { return errClosedUnanswered }

// exchangeOversize sends a request too large for many servers over a
// connection of its own, reading while it writes: an answer the server sent
// before it closed the connection (431, then a reset) is read even when the
// write failed, which net/http's client cannot do. A connection closed with
// no answer is a *closedError; a server that neither answers nor closes
// runs into env.Timeout, a hang. size and where describe the oversize part.
func (x *Experiment) exchangeOversize(ctx context.Context, label string, req *http.Request, size int, where string) (*reply, Exchange, error) {
	payload := requestBody(req)
	var r *reply
	var err error
	elapsed := timed(func() { r, err = roundTripRaw(ctx, x.run, req) })
	var closed *closedError
	if errors.As(err, &closed) {
		closed.size, closed.where = size, where
	}
	x.saw(req, r)
	x.noteSent(x.run, nil, req, r) // created.go
	ex := Exchange{Label: label, Request: recordRequest(req, payload, x.run.Header), Response: recordResponse(r, x.run.Header), Elapsed: elapsed}
	if err != nil {
		ex.Err = err.Error()
	}
	return r, ex, err
}

// roundTripRaw writes req over a raw HTTP/1.1 connection while a reader
// waits for the answer; see exchangeOversize. Every step is bounded by
// env.Timeout and ctx.
func roundTripRaw(ctx context.Context, env *run, req *http.Request) (*reply, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout)
	defer cancel()
	conn, err := wire.Dial(ctx, wireConfig(env), req.URL, []string{"http/1.1"})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRawDial, err)
	}
	defer conn.Close()
	countSent(ctx) // sent.go
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline) // a failure shows as an I/O error below
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) }) // cancellation unblocks both sides
	defer stop()

	type answer struct {
		r   *reply
		err error
	}
	got := make(chan answer, 1)
	go func() {
		// Bounded like every raw read (internal/wire): a header and a body at most.
		resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(conn, int64(wire.DefaultMaxHeaderBytes)+MaxBody)), req)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		// A body cut short by the close is still an answer: the status is
		// what the verdict reads.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
		got <- answer{r: &reply{Status: resp.StatusCode, Header: resp.Header, Body: body}}
	}()
	written := make(chan error, 1)
	go func() { written <- req.Write(conn) }()
	a := <-got
	if a.r != nil {
		return a.r, nil // the deferred Close ends a write the server stopped reading
	}
	werr := <-written // the connection is broken or past its deadline: the write ends too
	switch {
	case isTimeout(a.err) || ctx.Err() != nil:
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("no answer: %w", context.DeadlineExceeded)
	}
	return nil, &closedError{write: werr, read: a.err, whileSent: werr != nil}
}
