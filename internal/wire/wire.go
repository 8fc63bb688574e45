// Package wire holds idemcheck's raw HTTP connections: dialling (TCP, or
// TLS with the user's configuration and ALPN), the HTTP/1.1 last-byte
// release, the HTTP/2 single-packet release and the client drop. It writes
// bytes to sockets and returns plain outcomes — status, header, body, error,
// send times — and knows nothing of experiments, probes or OpenAPI.
//
// Every path behaves like net/http where it can and is bounded where
// net/http is:
//
//   - requests carry the headers net/http adds (Accept-Encoding: gzip
//     unless the request names an encoding or a range, User-Agent), and a
//     gzip body is decoded the way net/http decodes it, so a raw reply
//     compares equal to one read through net/http;
//   - a response header may take Config.MaxHeaderBytes (DefaultMaxHeaderBytes),
//     a body Config.MaxBody bytes after decoding (more is cut off and
//     Response.Truncated says so: a gzip bomb costs nothing);
//   - every HTTP/2 peer setting is checked against RFC 9113 §6.5.2, and
//     every loop is bounded in count, bytes and time: the whole exchange
//     ends with the context or Config.Timeout, whichever comes first.
package wire

import (
	"crypto/tls"
	"net/http"
	"time"
)

// Defaults for Config's zero values.
const (
	// DefaultMaxHeaderBytes bounds a response's header, in bytes on the
	// wire for HTTP/1.1 and as the decoded header list for HTTP/2
	// (SETTINGS_MAX_HEADER_LIST_SIZE). It is http.DefaultMaxHeaderBytes,
	// net/http's server-side limit: ten times smaller than its client's
	// 10 MiB default and still far above any real API's header.
	DefaultMaxHeaderBytes = http.DefaultMaxHeaderBytes
	// DefaultMaxBody bounds a response body after decoding.
	DefaultMaxBody = 1 << 20
	// DefaultTimeout bounds one whole exchange: dial, handshake, release
	// and every response.
	DefaultTimeout = 10 * time.Second
)

// Config says how to connect and how much to read. The zero value is usable.
type Config struct {
	// TLS is the client TLS configuration for https (roots, client
	// certificate, InsecureSkipVerify); nil means Go's defaults. It is
	// cloned, never modified.
	TLS *tls.Config
	// Timeout bounds the whole exchange (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxHeaderBytes bounds each response header (DefaultMaxHeaderBytes when zero).
	MaxHeaderBytes int
	// MaxBody bounds each response body after decoding (DefaultMaxBody when zero).
	MaxBody int
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	return c
}

// Response is a received final response.
type Response struct {
	Status int
	Header http.Header
	// Body is the decoded body, at most Config.MaxBody bytes.
	Body []byte
	// Truncated says the body was longer than Config.MaxBody and was cut.
	Truncated bool
}

// Outcome is what one copy of a release got.
type Outcome struct {
	// Response is nil when Err is set.
	Response *Response
	Err      error
	// Sent is when the copy's final byte (or final frame) left the client;
	// zero when it never did.
	Sent time.Time
	// Elapsed runs from Sent to the end of the response.
	Elapsed time.Duration
}

// failAll sets err on every outcome that has neither a response nor an error.
func failAll(outs []Outcome, err error) []Outcome {
	for i := range outs {
		if outs[i].Response == nil && outs[i].Err == nil {
			outs[i].Err = err
		}
	}
	return outs
}
