package probes

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDropRequestHangsUpWithoutReading: the server receives the whole
// request, and then the client's end of the connection is closed — right
// away, or after the delay — without a byte of the response being read.
func TestDropRequestHangsUpWithoutReading(t *testing.T) {
	for _, after := range []time.Duration{0, 30 * time.Millisecond} {
		t.Run(after.String(), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			type seen struct {
				req    *http.Request
				body   string
				closed time.Time // when the server saw the client's close
				err    error
			}
			got := make(chan seen, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					got <- seen{err: err}
					return
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					got <- seen{err: err}
					return
				}
				body, _ := io.ReadAll(req.Body)
				// Answer, then wait for the client to hang up: the answer is
				// never read, and the read ends with EOF (or a reset).
				_, _ = io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
				_, err = c.Read(make([]byte, 1))
				if err == nil {
					err = io.ErrUnexpectedEOF
				} else {
					err = nil
				}
				got <- seen{req: req, body: string(body), closed: time.Now(), err: err}
			}()

			env := newRun(Config{BaseURL: "http://" + ln.Addr().String()})
			req, err := http.NewRequest("POST", env.BaseURL+"/v1/payments", strings.NewReader(`{"amount":1}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Idempotency-Key", "k-drop")
			sent := time.Now()
			if err := dropRequest(context.Background(), env, req, after); err != nil {
				t.Fatalf("dropRequest: %v", err)
			}
			s := <-got
			if s.err != nil {
				t.Fatalf("server: %v", s.err)
			}
			if s.req.Method != "POST" || s.req.URL.Path != "/v1/payments" || s.req.Header.Get("Idempotency-Key") != "k-drop" || s.body != `{"amount":1}` {
				t.Errorf("server got %s %s key=%q body=%q", s.req.Method, s.req.URL, s.req.Header.Get("Idempotency-Key"), s.body)
			}
			// The close comes at least after once the request is written,
			// so the server sees it at least after from the start of the
			// send: a lower bound that a loaded machine cannot break
			// (measured from the request's arrival at the server, it
			// failed when the server read the request late).
			if d := s.closed.Sub(sent); d < after {
				t.Errorf("closed %v after the send began, want at least %v", d, after)
			}
		})
	}
}

// TestDropRequestOverTLS uses the client's TLS settings (here: trusting the
// test server's certificate) for the raw connection.
func TestDropRequestOverTLS(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	env := newRun(Config{BaseURL: srv.URL, Client: srv.Client()})
	req, err := http.NewRequest("POST", srv.URL+"/x", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if err := dropRequest(context.Background(), env, req, 0); err != nil {
		t.Fatalf("dropRequest: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); hits.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests reached the TLS server, want 1", hits.Load())
	}
}

func TestDropRequestErrors(t *testing.T) {
	env := newRun(Config{Timeout: time.Second})
	for _, u := range []string{"ftp://127.0.0.1/x", "http://127.0.0.1:1/x"} {
		req, err := http.NewRequest("POST", u, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		if err := dropRequest(context.Background(), env, req, 0); err == nil {
			t.Errorf("dropRequest(%s) = nil, want an error", u)
		}
	}
}
