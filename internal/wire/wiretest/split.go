package wiretest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"

	"golang.org/x/net/http2"
)

// SplitH2 starts a loopback server that serves HTTP/1.1 with h1 and hands
// every connection that opens with the HTTP/2 preface (h2c with prior
// knowledge) to h2: a correct API for net/http, a misbehaving one for the
// raw HTTP/2 release. It returns the server's URL.
func SplitH2(t testing.TB, h1 http.Handler, h2 func(net.Conn)) string {
	t.Helper()
	conns := make(chan net.Conn)
	ln := &chanListener{conns: conns, done: make(chan struct{})}
	srv := &http.Server{Handler: h1}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	base := Listen(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		head, _ := br.Peek(len(http2.ClientPreface))
		pc := &peekedConn{Conn: c, r: br}
		if string(head) == http2.ClientPreface {
			h2(pc)
			return
		}
		done := make(chan struct{})
		pc.closed = func() { close(done) }
		select {
		case conns <- pc:
			<-done // Listen closes c when this returns
		case <-ln.done:
		}
	})
	t.Cleanup(func() { srv.Close() })
	return base
}

// peekedConn reads what was peeked first.
type peekedConn struct {
	net.Conn
	r      io.Reader
	once   sync.Once
	closed func()
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *peekedConn) Close() error {
	err := c.Conn.Close()
	if c.closed != nil {
		c.once.Do(c.closed)
	}
	return err
}

// chanListener accepts the connections sent on conns.
type chanListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
