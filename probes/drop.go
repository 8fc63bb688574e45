package probes

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// A client that times out, crashes or loses its network has sent a request
// and never reads the answer. net/http cannot reproduce that faithfully (it
// may retry, pool the connection, or read the response before it notices a
// cancelled context), so retry-after-drop writes the request over a raw
// connection of its own and closes it without reading a byte.

// errDropped is the evidence note of a dropped exchange: there is no
// response because idemcheck hung up on purpose.
const errDropped = "connection closed by idemcheck before reading the response (simulated client drop)"

// dropRequest dials req's host, writes req in HTTP/1.1 form, waits after
// (0: not at all), and closes the connection without reading the response.
// It returns once the connection is closed; the wait honours ctx and every
// step is bounded by env.Timeout.
func dropRequest(ctx context.Context, env *Env, req *http.Request, after time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout)
	defer cancel()
	conn, err := dialRaw(ctx, env, req)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline) // a failure shows as a write error below
	}
	if err := req.Write(conn); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	if after > 0 {
		t := time.NewTimer(after)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return conn.Close()
}

// dialRaw opens a TCP (http) or TLS (https, with the user's client TLS
// settings, HTTP/1.1 only) connection to req's host.
func dialRaw(ctx context.Context, env *Env, req *http.Request) (net.Conn, error) {
	host := req.URL.Hostname()
	port := req.URL.Port()
	d := &net.Dialer{}
	switch req.URL.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
		return d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	case "https":
		if port == "" {
			port = "443"
		}
		cfg := dropTLSConfig(env)
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		cfg.NextProtos = []string{"http/1.1"} // req.Write speaks HTTP/1.1
		td := &tls.Dialer{NetDialer: d, Config: cfg}
		return td.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	}
	return nil, fmt.Errorf("cannot drop a request to scheme %q (want http or https)", req.URL.Scheme)
}

// dropTLSConfig is the TLS configuration of the user's client, so a drop
// trusts the same roots as every other request; the defaults otherwise.
func dropTLSConfig(env *Env) *tls.Config {
	if env.Client != nil {
		if t, ok := env.Client.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
			return t.TLSClientConfig.Clone()
		}
	}
	return &tls.Config{}
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
	if err := x.Env.limit.wait(ctx, 1); err != nil {
		return err
	}
	elapsed := timed(func() { err = dropRequest(ctx, x.Env, req, after) })
	ex := Exchange{Label: label, Request: recordRequest(req, payload, x.Env.Header), Elapsed: elapsed, Err: errDropped}
	if err != nil {
		ex.Err = "drop failed: " + err.Error()
	}
	x.record(ex)
	return err
}
