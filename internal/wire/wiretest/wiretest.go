// Package wiretest has loopback servers that misbehave the ways a hostile
// or broken API can — at the byte level, where httptest cannot — and a
// peak-heap meter, for the tests of internal/wire and of the probes.
package wiretest

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// Listen starts a loopback TCP server that hands each connection to handle
// in its own goroutine, and returns its "http://127.0.0.1:port" URL. The
// listener and every connection are closed when the test ends.
func Listen(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// ReadRequest reads one HTTP/1.1 request from br, body included, or
// returns nil when the connection ends first.
func ReadRequest(br *bufio.Reader) *http.Request {
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil
	}
	buf := make([]byte, 32<<10)
	for {
		if _, err := req.Body.Read(buf); err != nil {
			return req
		}
	}
}

// Endless writes chunk to c over and over until a write fails (the client
// hung up) or the test's deadline-free limit of one minute passes.
func Endless(c net.Conn, chunk []byte) {
	c.SetWriteDeadline(time.Now().Add(time.Minute)) //nolint:errcheck // a failing write ends the loop
	for {
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}

// PeakHeap runs f and returns the peak of the process's heap while it ran,
// above what was live before, sampled every millisecond, and how long f
// took. The garbage collector runs at GOGC=20 meanwhile, so the peak is
// close to what was live rather than to the collector's slack.
func PeakHeap(f func()) (peak uint64, took time.Duration) {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var max uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > max {
				max = v
			}
			select {
			case <-stop:
				done <- max
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(stop)
	if max := <-done; max > base {
		peak = max - base
	}
	return peak, took
}

// EndlessBody writes to w until ctx ends (the client hung up), flushing as
// it goes: a correct server with a body larger than any client reads.
func EndlessBody(ctx context.Context, w http.ResponseWriter) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	rc := http.NewResponseController(w)
	for ctx.Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		rc.Flush() //nolint:errcheck // the next write fails as well
	}
}
