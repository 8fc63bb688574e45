package wire

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/http2"
)

// H2Release is what an HTTP/2 single-packet release produced.
type H2Release struct {
	Outcomes []Outcome
	// Batches are the copies per write: one element when every copy went
	// at once, more when the server's SETTINGS allowed fewer streams.
	Batches []int
	// StreamLimit is the server's SETTINGS_MAX_CONCURRENT_STREAMS.
	StreamLimit uint32
}

// ReleaseH2 is the HTTP/2 single-packet release: every request on one
// connection to reqs[0]'s host, each stream's HEADERS and all of its body
// but the last byte sent first, then — once a PING round trip shows the
// server has read all of that — every stream's final DATA frame with
// END_STREAM in one write. The requests arrive in one TCP segment, so
// network and client jitter are gone; only the server's own scheduling
// separates them. The whole release ends with ctx or cfg.Timeout.
func ReleaseH2(ctx context.Context, cfg Config, reqs []*http.Request) H2Release {
	cfg = cfg.withDefaults()
	rel := H2Release{Outcomes: make([]Outcome, len(reqs))}
	if len(reqs) == 0 {
		return rel
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	payloads := make([][]byte, len(reqs))
	for i, req := range reqs {
		b, err := requestBody(req)
		if err != nil {
			failAll(rel.Outcomes, fmt.Errorf("read request body: %w", err))
			return rel
		}
		payloads[i] = b
	}
	c, err := openH2(ctx, cfg, reqs[0].URL)
	if err != nil {
		failAll(rel.Outcomes, err)
		return rel
	}
	defer c.close()
	stop := context.AfterFunc(ctx, c.close) // readLoop then ends every stream
	defer stop()

	for i := 0; i < len(reqs); { // each batch takes at least one request
		k, err := c.releaseBatch(ctx, reqs[i:], payloads[i:], rel.Outcomes[i:])
		if err != nil {
			failAll(rel.Outcomes, err)
			break
		}
		rel.Batches = append(rel.Batches, k)
		i += k
	}
	rel.StreamLimit = c.streamLimit()
	return rel
}

// releaseBatch releases as many of reqs as the server's SETTINGS allow in
// one write, fills their outcomes and returns how many it released.
func (c *h2Conn) releaseBatch(ctx context.Context, reqs []*http.Request, payloads [][]byte, outs []Outcome) (int, error) {
	streams, inc, err := c.openBatch(reqs, payloads)
	if err != nil {
		return 0, err
	}
	k := len(streams)
	if err := c.sendPrefixes(streams, inc, reqs[:k], payloads[:k]); err != nil {
		return 0, fmt.Errorf("send request prefixes: %w", err)
	}
	select { // an unsolicited PING ACK must not pass for the answer to ours
	case <-c.pings:
	default:
	}
	if err := c.ping(); err != nil {
		return 0, fmt.Errorf("send PING: %w", err)
	}
	select {
	case <-c.pings: // the server has read every prefix
	case <-c.dead:
		// The server broke the protocol (a CONTINUATION flood, frames on
		// streams never opened, a control flood) or hung up: say what it
		// did now, not "no PING answer" when the time is up.
		if ctx.Err() != nil {
			return 0, fmt.Errorf("no PING answer within %s: %w", c.cfg.Timeout, ctx.Err())
		}
		c.mu.Lock()
		err := c.readErr
		c.mu.Unlock()
		return 0, fmt.Errorf("before the server answered the PING: %w", err)
	case <-ctx.Done():
		return 0, fmt.Errorf("no PING answer within %s: %w", c.cfg.Timeout, ctx.Err())
	}
	sent, err := c.sendFinals(streams, payloads[:k])
	if err != nil {
		return 0, fmt.Errorf("send final frames: %w", err)
	}
	for j, s := range streams {
		outs[j].Sent = sent
		select {
		case <-s.done:
		case <-c.dead: // readLoop ended every stream it knew
		}
		c.mu.Lock()
		if !s.ended {
			c.endLocked(s, fmt.Errorf("read response: %w", c.readErr))
		}
		r, err, at := s.resp, s.err, s.endedAt
		c.mu.Unlock()
		if err != nil && ctx.Err() != nil {
			err = timeoutError(ctx, c.cfg)
		}
		outs[j].Response, outs[j].Err, outs[j].Elapsed = r, err, max(at.Sub(sent), 0)
	}
	return k, nil
}

// openBatch decides how many of reqs go in the next batch under the
// server's SETTINGS (concurrent streams, flow-control windows), takes their
// bodies from the connection's send window and registers their streams
// (odd ids, in order) before anything is sent, so an early response finds
// its stream. inc is the connection WINDOW_UPDATE to send with them, which
// lets every new stream fill its whole receive window.
func (c *h2Conn) openBatch(reqs []*http.Request, payloads [][]byte) (streams []*h2Stream, inc uint32, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.readErr != nil:
		return nil, 0, fmt.Errorf("read response: %w", c.readErr)
	case c.goAway != nil:
		return nil, 0, fmt.Errorf("the server sent GOAWAY (%v)", c.goAway.ErrCode)
	case c.maxStreams == 0:
		return nil, 0, fmt.Errorf("the server allows no concurrent HTTP/2 streams")
	}
	limit := min(len(payloads), int(min(c.maxStreams, 1<<20)), int((1<<31-c.nextID)/2))
	var sum int64
	k := 0
	for ; k < limit; k++ {
		b := int64(len(payloads[k]))
		if b > c.initWindow || sum+b > c.connWindow {
			break
		}
		sum += b
	}
	if k == 0 {
		return nil, 0, fmt.Errorf("a request body of %d bytes exceeds the server's HTTP/2 flow-control window (stream %d, connection %d); use --race-mode last-byte",
			len(payloads[0]), c.initWindow, c.connWindow)
	}
	c.connWindow -= sum
	want := min(c.recvWindow+int64(k)*c.streamWindow, maxWindow)
	inc = uint32(want - c.recvWindow)
	c.recvWindow = want
	c.budget.grow(int64(k) * (c.streamWindow + 4*int64(c.cfg.MaxHeaderBytes) + 1<<16))
	streams = make([]*h2Stream, k)
	for j := range streams {
		s := &h2Stream{id: c.nextID, gzip: wantsGzip(reqs[j].Method, reqs[j].Header), header: http.Header{}, done: make(chan struct{})}
		c.nextID += 2
		c.streams[s.id] = s
		streams[j] = s
	}
	return streams, inc, nil
}

// streamLimit is the server's SETTINGS_MAX_CONCURRENT_STREAMS.
func (c *h2Conn) streamLimit() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxStreams
}

// sendPrefixes writes, in one write, the connection WINDOW_UPDATE inc and
// each stream's HEADERS (and CONTINUATION) without END_STREAM and its body
// but the last byte. Every frame is at most the server's MAX_FRAME_SIZE,
// which checkSetting keeps at 16384 or more, so every loop advances.
func (c *h2Conn) sendPrefixes(streams []*h2Stream, inc uint32, reqs []*http.Request, payloads [][]byte) error {
	c.mu.Lock()
	maxFrame := int(c.maxFrame)
	c.mu.Unlock()
	_, err := c.write(func(f *http2.Framer) error {
		if inc > 0 {
			if err := f.WriteWindowUpdate(0, inc); err != nil {
				return err
			}
		}
		for j, req := range reqs {
			id := streams[j].id
			block := c.encodeHeaders(req, len(payloads[j]), streams[j].gzip)
			for first := true; first || len(block) > 0; first = false {
				chunk := block[:min(len(block), maxFrame)]
				block = block[len(chunk):]
				var err error
				if first {
					err = f.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: chunk, EndHeaders: len(block) == 0})
				} else {
					err = f.WriteContinuation(id, len(block) == 0, chunk)
				}
				if err != nil {
					return err
				}
			}
			prefix := payloads[j][:max(len(payloads[j])-1, 0)]
			for len(prefix) > 0 {
				chunk := prefix[:min(len(prefix), maxFrame)]
				prefix = prefix[len(chunk):]
				if err := f.WriteData(id, false, chunk); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return err
}

// sendFinals is the release: every stream's final DATA frame (its last body
// byte, or empty for a request without a body) with END_STREAM, in one write.
func (c *h2Conn) sendFinals(streams []*h2Stream, payloads [][]byte) (time.Time, error) {
	return c.write(func(f *http2.Framer) error {
		for j, s := range streams {
			body := payloads[j]
			if err := f.WriteData(s.id, true, body[max(len(body)-1, 0):]); err != nil {
				return err
			}
		}
		return nil
	})
}

// DetectH2 reports whether u's server completes an HTTP/2 handshake: TLS
// with ALPN h2 for https, prior knowledge (h2c: the preface answered with
// SETTINGS) for http. The error says why not (ErrNoH2 when it answered with
// something else).
func DetectH2(ctx context.Context, cfg Config, u *url.URL) error {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	c, err := openH2(ctx, cfg, u)
	if err != nil {
		return err
	}
	c.close()
	return nil
}
