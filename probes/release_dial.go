package probes

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
)

// dialTarget opens a raw connection to u's host for the synchronized
// releases, which must write bytes themselves instead of going through
// net/http: TCP for http, TLS for https offering the ALPN protocols alpn.
// The handshake is done here, before any release, so that connection set-up
// never delays a copy.
func dialTarget(ctx context.Context, env *Env, u *url.URL, alpn []string) (net.Conn, error) {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	d := net.Dialer{Timeout: env.Timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" {
		return conn, nil
	}
	cfg := tlsConfig(env)
	cfg.NextProtos = alpn
	if cfg.ServerName == "" {
		cfg.ServerName = u.Hostname()
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", u.Host, err)
	}
	return tc, nil
}

// tlsConfig is the TLS configuration of the user's client (its roots, its
// client certificates), so raw connections trust what net/http trusts.
func tlsConfig(env *Env) *tls.Config {
	if env.Client != nil {
		if t, ok := env.Client.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
			return t.TLSClientConfig.Clone()
		}
	}
	return &tls.Config{}
}

// dialAll opens n connections at once and returns them, or the first error
// (after closing the ones that did open).
func dialAll(ctx context.Context, env *Env, u *url.URL, n int, alpn []string) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() { conns[i], errs[i] = dialTarget(ctx, env, u, alpn) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("connect to %s: %w", u.Host, err)
		}
	}
	return conns, nil
}

// closeAll closes every non-nil connection.
func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}
