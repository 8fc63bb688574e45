package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// answerOnce serves every connection by reading one request and writing
// answer to it.
func answerOnce(answer func(c net.Conn)) func(net.Conn) {
	return func(c net.Conn) {
		if wiretest.ReadRequest(bufio.NewReader(c)) == nil {
			return
		}
		answer(c)
	}
}

// dripHeader writes the start of a response, then one header line every 20ms
// until the client hangs up: a header that never finishes, slowly.
func dripHeader(c net.Conn) {
	io.WriteString(c, "HTTP/1.1 200 OK\r\n") //nolint:errcheck
	for {
		time.Sleep(20 * time.Millisecond)
		if _, err := io.WriteString(c, "X-Slow: a\r\n"); err != nil {
			return
		}
	}
}

// TestExplainSaysWhatTheServerDid: a server that answered — with a broken
// status line, an endless or slow header, half a body — is never said to
// be unreachable (issue 23); each failure is worded by how far the exchange
// got, over real loopback sockets.
func TestExplainSaysWhatTheServerDid(t *testing.T) {
	closedPort := func() string { // a port nothing listens on
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "http://" + ln.Addr().String()
	}()
	tests := []struct {
		name    string
		base    func(t *testing.T) string
		timeout time.Duration
		want    string
	}{
		{"a malformed status line", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) { io.WriteString(c, "HTTP/1.1 abc OK\r\n\r\n") })) //nolint:errcheck
		}, time.Second, `answered with a malformed response: malformed HTTP status code "abc"`},
		{"not HTTP at all", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) { io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n") })) //nolint:errcheck
		}, time.Second, `answered with a malformed response: malformed HTTP response "SSH-2.0-OpenSSH_9.6"`},
		{"an endless header", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Endless: ") //nolint:errcheck
				wiretest.Endless(c, bytes.Repeat([]byte("e"), 32<<10))
			}))
		}, 10 * time.Second, "answered with a malformed response: server response headers exceeded 1048576 bytes"},
		{"a slow header", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(dripHeader))
		}, 300 * time.Millisecond, "began to answer but did not finish its headers within 300ms (--timeout)"},
		{"a silent server", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) { io.Copy(io.Discard, c) })) //nolint:errcheck
		}, 300 * time.Millisecond, "accepted the connection but sent no response within 300ms (--timeout)"},
		{"a hang-up without an answer", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(net.Conn) {}))
		}, time.Second, "accepted the connection but closed it without answering: EOF"},
		{"half a body", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc") //nolint:errcheck
			}))
		}, time.Second, "answered 200 but broke off its body: unexpected EOF"},
		{"a broken chunk", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") //nolint:errcheck
			}))
		}, time.Second, "answered 200 with a malformed body: invalid byte in chunk length"},
		{"a body that never ends in time", func(t *testing.T) string {
			return wiretest.Listen(t, answerOnce(func(c net.Conn) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc") //nolint:errcheck
				io.Copy(io.Discard, c)                                                 //nolint:errcheck
			}))
		}, 300 * time.Millisecond, "answered 200 but did not finish its body within 300ms (--timeout)"},
		{"a timeout too short for any answer", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, time.Nanosecond, "could not be reached within 1ns (--timeout): too short for any answer; raise --timeout"},
		{"nothing listens", func(*testing.T) string { return closedPort }, time.Second, "is unreachable: dial tcp"},
		{"an untrusted certificate", func(t *testing.T) string {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv.URL
		}, time.Second, "failed the TLS handshake: tls: failed to verify certificate: x509: certificate signed by unknown authority (trust its CA with --cacert, or pass --insecure)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base(t)
			err := exchangeErr(t, base, tt.timeout)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			t.Log(err)
			if !strings.HasPrefix(tt.want, "is unreachable") && strings.Contains(err.Error(), "unreachable") {
				t.Errorf("%v: a server that was reached is said to be unreachable", err)
			}
			if strings.Contains(err.Error(), base) {
				t.Errorf("%v: the URL is noise, the evidence has it", err)
			}
		})
	}
}

// exchangeErr sends one POST to base the way the probes do (a timeout per
// exchange, the body read) and returns the explained error.
func exchangeErr(t *testing.T, base string, timeout time.Duration) error {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxResponseHeaderBytes: DefaultMaxHeaderBytes}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var p Progress
	req, err := http.NewRequestWithContext(Trace(ctx, &p), http.MethodPost, base+"/v1/payments", strings.NewReader(`{"amount":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Explain(err, &p, timeout)
	}
	defer resp.Body.Close()
	p.Answered(resp.StatusCode)
	_, err = io.ReadAll(resp.Body)
	return Explain(err, &p, timeout)
}

// TestExplainKeepsTheCause: the worded error still unwraps to what Go's
// client returned, so a deadline is still a deadline.
func TestExplainKeepsTheCause(t *testing.T) {
	err := Explain(context.DeadlineExceeded, &Progress{}, time.Second)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not unwrap to context.DeadlineExceeded", err)
	}
	if Explain(nil, nil, time.Second) != nil {
		t.Error("no error explained as one")
	}
}
