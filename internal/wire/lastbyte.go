package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

// lastByteSettle is how long the last-byte release waits between writing
// the prefixes and releasing the final bytes, so that the server has read
// every prefix and parked each handler on its unfinished request: the final
// bytes then only have to wake them.
const lastByteSettle = 2 * time.Millisecond

// ReleaseLastByte is the HTTP/1.1 synchronized release: one pre-opened
// connection per request, every request written but its final byte, then
// all final bytes written back to back from one locked thread. No server can
// start processing a request before its last byte arrives, so they start
// within the few microseconds those writes take instead of the scheduling
// and dialling jitter of separate clients. All requests go to reqs[0]'s
// host; the whole release ends with ctx or cfg.Timeout.
func ReleaseLastByte(ctx context.Context, cfg Config, reqs []*http.Request) []Outcome {
	cfg = cfg.withDefaults()
	outs := make([]Outcome, len(reqs))
	if len(reqs) == 0 {
		return outs
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	wires := make([][]byte, len(reqs))
	gzipped := make([]bool, len(reqs))
	for i, req := range reqs {
		out, gz := withTransportHeaders(req)
		var b bytes.Buffer
		if err := out.Write(&b); err != nil {
			return failAll(outs, fmt.Errorf("serialize request: %w", err))
		}
		wires[i], gzipped[i] = b.Bytes(), gz
	}
	conns, err := dialAll(ctx, cfg, reqs[0].URL, len(reqs), []string{"http/1.1"})
	if err != nil {
		return failAll(outs, err)
	}
	defer closeAll(conns)
	stop := context.AfterFunc(ctx, func() { closeAll(conns) }) // unblocks every read
	defer stop()
	if deadline, ok := ctx.Deadline(); ok {
		for _, c := range conns {
			c.SetDeadline(deadline) //nolint:errcheck // a closed conn fails the write below
		}
	}
	for i, c := range conns {
		if _, err := c.Write(wires[i][:len(wires[i])-1]); err != nil {
			return failAll(outs, fmt.Errorf("send request prefix: %w", err))
		}
	}
	if err := sleep(ctx, lastByteSettle); err != nil {
		return failAll(outs, err)
	}
	writeErrs := writeFinalBytes(conns, wires, outs)

	done := make(chan struct{}, len(conns))
	for i, c := range conns {
		go func() {
			defer func() { done <- struct{}{} }()
			if writeErrs[i] != nil {
				outs[i].Err = fmt.Errorf("send final byte: %w", writeErrs[i])
				return
			}
			r, err := ReadResponse(c, reqs[i], gzipped[i], cfg)
			if err != nil && (ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded)) {
				err = timeoutError(ctx, cfg)
			}
			outs[i].Response, outs[i].Err, outs[i].Elapsed = r, err, time.Since(outs[i].Sent)
		}()
	}
	for range conns {
		<-done
	}
	return outs
}

// writeFinalBytes is the release: every connection's final byte, written
// back to back from one goroutine locked to its thread, so nothing the
// scheduler does can come between two of them. It records when each left.
func writeFinalBytes(conns []net.Conn, wires [][]byte, outs []Outcome) []error {
	errs := make([]error, len(conns))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i, c := range conns {
		_, errs[i] = c.Write(wires[i][len(wires[i])-1:])
		outs[i].Sent = time.Now()
	}
	return errs
}

// timeoutError says no response came in time; ctx is the exchange's own.
// The connection's deadline may fire a moment before the context's.
func timeoutError(ctx context.Context, cfg Config) error {
	err := ctx.Err()
	if err == nil {
		err = context.DeadlineExceeded
	}
	return fmt.Errorf("no response within %s: %w", cfg.Timeout, err)
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
