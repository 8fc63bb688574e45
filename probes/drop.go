package probes

import (
	"context"
	"net/http"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// A client that times out, crashes or loses its network has sent a request
// and never reads the answer. net/http cannot reproduce that faithfully, so
// retry-after-drop writes the request over a raw connection of its own and
// closes it without reading a byte (wire.Drop).

// errDropped is the evidence note of a dropped exchange: there is no
// response because idemcheck hung up on purpose.
const errDropped = "connection closed by idemcheck before reading the response (simulated client drop)"

// dropRequest writes req over a connection of its own and hangs up after
// (0: at once) without reading the response (wire.Drop).
func dropRequest(ctx context.Context, env *run, req *http.Request, after time.Duration) error {
	return wire.Drop(ctx, wireConfig(env), req, after)
}

// SendDropped sends op's request with key over a connection of its own and hangs
// up after (0: as soon as the request is written), without reading the
// response, and records the exchange under label.
func (x *Experiment) SendDropped(ctx context.Context, label, key string, after time.Duration) error {
	req, err := buildFor(x, x.Op, key, nil)
	if err != nil {
		return err
	}
	payload := requestBody(req)
	if err := x.run.limit.wait(ctx, 1); err != nil {
		return err
	}
	countSent(ctx) // sent.go
	elapsed := timed(func() { err = dropRequest(ctx, x.run, req, after) })
	ex := Exchange{Label: label, Request: recordRequest(req, payload, x.run.Header), Elapsed: elapsed, Err: errDropped}
	if err != nil {
		ex.Err = "drop failed: " + err.Error()
	}
	x.record(ex)
	return err
}
