package probes

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"
)

// lastByteSettle is how long the last-byte release waits between writing
// the prefixes and releasing the final bytes, so that the server has read
// every prefix and parked each handler on its unfinished request: the final
// bytes then only have to wake them.
const lastByteSettle = 2 * time.Millisecond

// lastByteReleaser is the HTTP/1.1 synchronized release: one pre-opened
// connection per copy, every request written but its final byte, then all
// final bytes written back to back from one locked thread. No server can
// start processing a copy before its last byte arrives, so the copies start
// within the few microseconds those writes take instead of the scheduling
// and dialling jitter of the naive release.
type lastByteReleaser struct{}

func (lastByteReleaser) mode() RaceMode { return RaceLastByte }

func (lastByteReleaser) release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	v := newVolley(RaceLastByte, len(reqs))
	ctx, cancel := context.WithTimeout(ctx, x.Env.Timeout)
	defer cancel()

	payloads := make([][]byte, len(reqs))
	wires := make([][]byte, len(reqs))
	for i, req := range reqs {
		payloads[i] = requestBody(req)
		var b bytes.Buffer
		if err := req.Write(&b); err != nil {
			return v.failAll(x, label, reqs, fmt.Errorf("serialize request: %w", err))
		}
		wires[i] = b.Bytes()
	}
	conns, err := dialAll(ctx, x.Env, reqs[0].URL, len(reqs), []string{"http/1.1"})
	if err != nil {
		return v.failAll(x, label, reqs, err)
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
			return v.failAll(x, label, reqs, fmt.Errorf("send request prefix: %w", err))
		}
	}
	if err := sleep(ctx, lastByteSettle); err != nil {
		return v.failAll(x, label, reqs, err)
	}
	writeErrs := writeFinalBytes(conns, wires, v.sent)

	done := make(chan struct{}, len(conns))
	for i, c := range conns {
		go func() {
			defer func() { done <- struct{}{} }()
			if writeErrs[i] != nil {
				v.finish(x, i, label, reqs[i], payloads[i], nil, 0, fmt.Errorf("send final byte: %w", writeErrs[i]))
				return
			}
			r, err := readReply(c, reqs[i])
			if err != nil && ctx.Err() != nil {
				err = fmt.Errorf("no response within %s: %w", x.Env.Timeout, ctx.Err())
			}
			v.finish(x, i, label, reqs[i], payloads[i], r, time.Since(v.sent[i]), err)
		}()
	}
	for range conns {
		<-done
	}
	return v
}

// writeFinalBytes is the release: every connection's final byte, written
// back to back from one goroutine locked to its thread, so nothing the
// scheduler does can come between two of them. It records when each left.
func writeFinalBytes(conns []net.Conn, wires [][]byte, sent []time.Time) []error {
	errs := make([]error, len(conns))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i, c := range conns {
		_, errs[i] = c.Write(wires[i][len(wires[i])-1:])
		sent[i] = time.Now()
	}
	return errs
}

// maxInformational bounds the 1xx responses read before the final one.
const maxInformational = 16

// readReply reads the final HTTP/1.1 response to req from c, its body capped
// at MaxBody. Informational responses (1xx but 101, e.g. 103 Early Hints)
// precede the final one on the same connection and are skipped: taking one
// for the answer failed correct servers.
func readReply(c net.Conn, req *http.Request) (*reply, error) {
	br := bufio.NewReader(c)
	var resp *http.Response
	for n := 0; ; n++ {
		var err error
		resp, err = http.ReadResponse(br, req)
		if err != nil {
			return nil, fmt.Errorf("read response: %w", err)
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close()
		if n+1 >= maxInformational {
			return nil, fmt.Errorf("read response: more than %d informational (1xx) responses, no final one", maxInformational)
		}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	return &reply{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
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
