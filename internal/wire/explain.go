package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// A failed exchange is worded by what the server did, not by where Go's
// client gave up: a server that answered with a broken status line, an
// endless header or a half body was reached, and saying it "is unreachable"
// sends the user to check the network instead of the server. Progress
// records how far the exchange got (httptrace), and Explain words the
// error from it.

// Progress is how far one exchange got. Its fields are set by the client's
// goroutines (httptrace), so they are atomic.
type Progress struct {
	connected atomic.Bool // a connection was obtained (TCP, and TLS for https)
	firstByte atomic.Bool // the first byte of the response arrived
	// Status is the response's status once its header was read; 0 before.
	status atomic.Int32
}

// Trace returns ctx with an httptrace that records the exchange's progress
// into p.
func Trace(ctx context.Context, p *Progress) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { p.connected.Store(true) },
		GotFirstResponseByte: func() { p.firstByte.Store(true) },
	})
}

// Answered records that the response's header was read, with its status:
// a later error is about the body.
func (p *Progress) Answered(status int) { p.status.Store(int32(status)) }

// explained is an error worded for the user; it unwraps to the cause, so
// errors.Is still finds a deadline or a cancellation.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// Explain words err, the failure of an exchange that got as far as p says
// under a per-exchange timeout, as what the server did. The message has no
// subject, so that callers can prefix one: "the server " + Explain(…) reads
// "the server answered with a malformed response: …", "target URL " +
// Explain(…) "target URL is unreachable: connection refused". A nil err is
// nil.
func Explain(err error, p *Progress, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	if p == nil {
		p = &Progress{}
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) { // `Post "http://…": ` says nothing the evidence does not
		cause = ue.Err
	}
	msg := explain(cause, p, timeout)
	return &explained{msg: msg, err: err}
}

func explain(err error, p *Progress, timeout time.Duration) string {
	status := int(p.status.Load())
	inner := clean(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return explainTimeout(p, status, timeout)
	case errors.Is(err, context.Canceled):
		return "was not waited for: " + inner
	case isTLS(err):
		return "failed the TLS handshake: " + inner + " (trust its CA with --cacert, or pass --insecure)"
	case status != 0 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || isReset(err)):
		return fmt.Sprintf("answered %d but broke off its body: %s", status, inner)
	case status != 0:
		return fmt.Sprintf("answered %d with a malformed body: %s", status, inner)
	case isDial(err):
		return "is unreachable: " + inner
	case (p.connected.Load() || p.firstByte.Load()) && malformed(err): // not a request the client refused to send
		return "answered with a malformed response: " + inner
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err):
		if p.firstByte.Load() {
			return "began to answer but closed the connection before the end of its headers: " + inner
		}
		return "accepted the connection but closed it without answering: " + inner
	}
	return "did not answer: " + inner
}

// shortTimeout is a --timeout below which not even a loopback connection
// can be expected to open.
const shortTimeout = 10 * time.Millisecond

func explainTimeout(p *Progress, status int, timeout time.Duration) string {
	within := fmt.Sprintf("within %s (--timeout)", timeout)
	switch {
	case status != 0:
		return fmt.Sprintf("answered %d but did not finish its body %s", status, within)
	case p.firstByte.Load():
		return "began to answer but did not finish its headers " + within
	case p.connected.Load():
		return "accepted the connection but sent no response " + within
	case timeout > 0 && timeout < shortTimeout:
		return fmt.Sprintf("could not be reached %s: too short for any answer; raise --timeout", within)
	}
	return "is unreachable: no connection " + within
}

// clean strips the prefixes of Go's HTTP client that say where it broke,
// not what the server sent.
func clean(err error) string {
	s := err.Error()
	for _, prefix := range []string{"net/http: HTTP/1.x transport connection broken: ", "net/http: "} {
		s = strings.ReplaceAll(s, prefix, "")
	}
	return s
}

// malformed reports whether err says the server's bytes broke HTTP: a bad
// status line or header, one too large, a broken chunk, an HTTP/2 protocol
// error, or one of the raw paths' own checks.
func malformed(err error) bool {
	if errors.Is(err, ErrHeaderTooLarge) {
		return true
	}
	s := err.Error()
	for _, w := range []string{"malformed", "transport connection broken", "headers exceeded", "invalid", "http2:", "PROTOCOL_ERROR", "stream error", "connection error", "chunk"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isDial(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func isTLS(err error) bool {
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &rh) || errors.As(err, &alert) || errors.As(err, &cv) || errors.As(err, &ua) ||
		errors.As(err, &hn) || errors.As(err, &ci) || strings.HasPrefix(err.Error(), "tls: ")
}
