package examples

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// ShutdownTimeout bounds how long Close waits for in-flight requests.
const ShutdownTimeout = 5 * time.Second

// Server is a running example API.
type Server struct {
	URL  string // http://127.0.0.1:port, no trailing slash
	srv  *http.Server
	done chan error

	mu    sync.Mutex
	fresh map[net.Conn]bool // connections that have not sent a request yet

	closeOnce sync.Once
	closeErr  error
}

// Start serves a fresh instance of v on a free loopback port. It never
// listens on another address: the examples accept money-moving requests
// from anyone who can reach them.
func Start(v Variant) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", v.Name, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), done: make(chan error, 1), fresh: map[net.Conn]bool{}}
	s.srv = &http.Server{Handler: v.Handler(), ReadHeaderTimeout: 10 * time.Second, ConnState: s.track, Protocols: Protocols()}
	s.srv.RegisterOnShutdown(s.closeFresh)
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Close shuts the server down gracefully, waiting up to ShutdownTimeout for
// in-flight requests, then closes what is left. It is safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.shutdown() })
	return s.closeErr
}

func (s *Server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// track remembers connections that have not sent a request yet. Clients
// (net/http's Transport among them) dial spare connections they may never
// use, and Shutdown would wait 5 seconds before treating those as idle.
func (s *Server) track(c net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if state == http.StateNew {
		s.fresh[c] = true
	} else {
		delete(s.fresh, c)
	}
}

// closeFresh runs when Shutdown has closed the listener: it closes the
// connections that never sent a request, so Close returns promptly.
func (s *Server) closeFresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.fresh {
		c.Close()
		delete(s.fresh, c)
	}
}
