package probes

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// oversizeMode is how limitServer treats a header block over its limit.
type oversizeMode string

const (
	answer431AndReset oversizeMode = "431, then a reset"   // Node.js: answer, destroy the socket
	resetWhileWriting oversizeMode = "reset while writing" // close with the client's bytes unread
	hangOnOversize    oversizeMode = "hang"                // neither answer nor close
	answer500         oversizeMode = "500"                 // a server error
)

// limitHeaderBytes is limitServer's header limit, 8 KiB.
const limitHeaderBytes = 8 << 10

// startLimitServer serves h over raw connections, one request each, reading
// at most limitHeaderBytes of header: beyond that it does what mode says and
// closes the connection with the rest of the request unread, which resets
// it. Everything else is served normally.
func startLimitServer(t *testing.T, h http.Handler, mode oversizeMode) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serveLimited(conn, h, mode, done) })
		}
	})
	return "http://" + ln.Addr().String()
}

func serveLimited(conn net.Conn, h http.Handler, mode oversizeMode, done <-chan struct{}) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // bounded, whatever the client does
	lr := &io.LimitedReader{R: conn, N: limitHeaderBytes}
	req, err := http.ReadRequest(bufio.NewReader(lr))
	if err != nil {
		if lr.N > 0 {
			return // not an oversize header: a client that went away
		}
		switch mode {
		case answer431AndReset:
			_, _ = io.WriteString(conn, "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
		case answer500:
			_, _ = io.WriteString(conn, "HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
		case hangOnOversize:
			<-done
		}
		return // closing with unread input resets the connection
	}
	lr.N = 1 << 20 // the body
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.ContentLength = int64(rec.Body.Len())
	resp.Close = true
	_ = resp.Write(conn)
}

// TestIssue17OversizeKeyRefusedByClosing: key-format's 64 KiB key, sent to
// a server that refuses a header over 8 KiB by answering 431 and resetting,
// or by resetting while the client still writes, is refused — the probe
// reads an answer that arrived before the reset, and says so when there
// was none. A hang or a 5xx is still a failure.
func TestIssue17OversizeKeyRefusedByClosing(t *testing.T) {
	tests := []struct {
		name    string
		base    func(t *testing.T) string
		want    Verdict
		answers []string // the 64 KiB key's outcome: one of these
		reason  string   // a substring of the reason
	}{
		{"431 then reset", func(t *testing.T) string {
			return startLimitServer(t, payments.New(payments.Options{}), answer431AndReset)
		}, Pass, []string{"64 KiB key: 431", "64 KiB key: refused (connection closed)"}, "without a server error or refused"},
		{"reset while the client writes", func(t *testing.T) string {
			return startLimitServer(t, payments.New(payments.Options{}), resetWhileWriting)
		}, Pass, []string{"64 KiB key: refused (connection closed)"}, "64 KiB key was refused by closing the connection"},
		{"the example API with Node.js's limit (431, SO_LINGER 0)", func(t *testing.T) string {
			srv := httptest.NewServer(payments.New(payments.Options{HeaderLimit: payments.DefaultHeaderLimit}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, Pass, []string{"64 KiB key: 431", "64 KiB key: refused (connection closed)"}, "without a server error or refused"},
		{"hang", func(t *testing.T) string {
			return startLimitServer(t, payments.New(payments.Options{}), hangOnOversize)
		}, Fail, []string{"64 KiB key: timeout"}, "64 KiB key: no answer within"},
		{"500", func(t *testing.T) string {
			return startLimitServer(t, payments.New(payments.Options{}), answer500)
		}, Fail, []string{"64 KiB key: 500"}, "64 KiB key: server error 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Config{Timeout: 2 * time.Second} // the hang costs this once
			r := runOneProbe(t, keyFormatProbe{}, tt.base(t), createPayment(), env)
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want %s with %q; diffs: %v", r.Verdict, r.Reason, tt.want, tt.reason, r.Diffs)
			}
			answers := strings.Join(r.Diffs, "\n")
			found := false
			for _, a := range tt.answers {
				found = found || strings.Contains(answers, a+"\n") || strings.HasSuffix(answers, a)
			}
			if !found {
				t.Errorf("answers by key form do not show one of %q:\n%s", tt.answers, answers)
			}
			for _, ex := range r.Evidence {
				if ex.Label == "64 KiB key" && strings.Contains(answers, "refused (connection closed)") && !strings.Contains(ex.Err, "refused by closing the connection") {
					t.Errorf("the evidence of the closed exchange does not say it was a refusal: %q", ex.Err)
				}
			}
		})
	}
}

// TestOversizeKeyOverTLS: the raw connection of an oversize key speaks TLS
// with the user's client settings, so an https API is judged the same way.
func TestOversizeKeyOverTLS(t *testing.T) {
	srv := httptest.NewTLSServer(payments.New(payments.Options{HeaderLimit: payments.DefaultHeaderLimit}))
	t.Cleanup(srv.Close)
	r := runOneProbe(t, keyFormatProbe{}, srv.URL, createPayment(), Config{Client: srv.Client()})
	answers := strings.Join(r.Diffs, "\n")
	if r.Verdict != Pass || !(strings.Contains(answers, "64 KiB key: 431") || strings.Contains(answers, "64 KiB key: refused (connection closed)")) {
		t.Fatalf("verdict %s (%s), want a pass with the 64 KiB key refused; diffs: %v", r.Verdict, r.Reason, r.Diffs)
	}
}
