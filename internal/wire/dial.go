package wire

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"sync"
)

// Dial opens a raw connection to u's host: TCP for http, TLS for https with
// cfg.TLS offering the ALPN protocols alpn. The handshake is done here, so
// that connection set-up never delays a release. ctx bounds it, and so does
// cfg.Timeout.
func Dial(ctx context.Context, cfg Config, u *url.URL, alpn []string) (net.Conn, error) {
	cfg = cfg.withDefaults()
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q (want http or https)", u.Scheme)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" {
		return conn, nil
	}
	tc := tls.Client(conn, clientTLS(cfg.TLS, u.Hostname(), alpn))
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", u.Host, err)
	}
	return tc, nil
}

// clientTLS is a copy of base (Go's defaults when nil) for one connection.
func clientTLS(base *tls.Config, host string, alpn []string) *tls.Config {
	cfg := &tls.Config{}
	if base != nil {
		cfg = base.Clone()
	}
	cfg.NextProtos = alpn
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// dialAll opens n connections at once and returns them, or the first error
// (after closing the ones that did open).
func dialAll(ctx context.Context, cfg Config, u *url.URL, n int, alpn []string) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() { conns[i], errs[i] = Dial(ctx, cfg, u, alpn) })
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
