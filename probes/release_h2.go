package probes

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Releaser is the HTTP/2 single-packet release: every copy on one
// connection, each stream's HEADERS and all of its body but the last byte
// sent first, then — once a PING round trip shows the server has read all
// of that — every stream's final DATA frame with END_STREAM in one write.
// The copies arrive in one TCP segment, so network and client jitter are
// gone; only the server's own scheduling separates them.
type h2Releaser struct{}

func (h2Releaser) mode() RaceMode { return RaceH2 }

func (h2Releaser) release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	v := newVolley(RaceH2, len(reqs))
	ctx, cancel := context.WithTimeout(ctx, x.Env.Timeout)
	defer cancel()
	payloads := make([][]byte, len(reqs))
	for i, req := range reqs {
		b, err := wireBody(req)
		if err != nil {
			return v.failAll(x, label, reqs, fmt.Errorf("read request body: %w", err))
		}
		payloads[i] = b
	}
	c, err := openH2(ctx, x.Env, reqs[0].URL)
	if err != nil {
		return v.failAll(x, label, reqs, err)
	}
	defer c.close()
	stop := context.AfterFunc(ctx, c.close) // readLoop then ends every stream
	defer stop()

	var batches []string
	for i := 0; i < len(reqs); {
		k, err := c.reserve(payloads[i:])
		if err != nil {
			return v.failAll(x, label, reqs, err)
		}
		ids, streams := c.open(k)
		if err := c.sendPrefixes(ids, reqs[i:i+k], payloads[i:i+k]); err != nil {
			return v.failAll(x, label, reqs, fmt.Errorf("send request prefixes: %w", err))
		}
		if err := c.ping(); err != nil {
			return v.failAll(x, label, reqs, fmt.Errorf("send PING: %w", err))
		}
		select {
		case <-c.pings: // the server has read every prefix
		case <-ctx.Done():
			return v.failAll(x, label, reqs, fmt.Errorf("no PING answer within %s: %w", x.Env.Timeout, ctx.Err()))
		}
		sent, err := c.sendFinals(ids, payloads[i:i+k])
		if err != nil {
			return v.failAll(x, label, reqs, fmt.Errorf("send final frames: %w", err))
		}
		for j, s := range streams {
			v.sent[i+j] = sent
			<-s.done
			err := s.err
			var r *reply
			if err == nil {
				r = &reply{Status: s.status, Header: s.header, Body: s.body}
			} else if ctx.Err() != nil {
				err = fmt.Errorf("no response within %s: %w", x.Env.Timeout, ctx.Err())
			}
			v.finish(x, i+j, label, reqs[i+j], payloads[i+j], r, time.Since(sent), err)
		}
		batches = append(batches, strconv.Itoa(k))
		i += k
	}
	if len(batches) > 1 {
		v.note = fmt.Sprintf("the server allows %d concurrent HTTP/2 streams, so the %d copies went in batches of %s, each released in its own write",
			c.streamLimit(), len(reqs), strings.Join(batches, "+"))
	}
	return v
}

// reserve returns how many of the next copies can go in one batch under
// the server's SETTINGS (concurrent streams, flow-control windows) and
// takes their bodies from the connection's send window.
func (c *h2Conn) reserve(payloads [][]byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.readErr != nil:
		return 0, fmt.Errorf("read response: %w", c.readErr)
	case c.goAway != nil:
		return 0, fmt.Errorf("the server sent GOAWAY (%v)", c.goAway.ErrCode)
	case c.maxStreams == 0:
		return 0, fmt.Errorf("the server allows no concurrent HTTP/2 streams")
	}
	limit := min(len(payloads), int(min(c.maxStreams, 1<<20)))
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
		return 0, fmt.Errorf("a request body of %d bytes exceeds the server's HTTP/2 flow-control window (stream %d, connection %d); use --race-mode last-byte",
			len(payloads[0]), c.initWindow, c.connWindow)
	}
	c.connWindow -= sum
	return k, nil
}

// streamLimit is the server's SETTINGS_MAX_CONCURRENT_STREAMS.
func (c *h2Conn) streamLimit() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxStreams
}

// open registers k new client streams (odd ids, in order) before anything
// is sent, so an early response finds its stream.
func (c *h2Conn) open(k int) ([]uint32, []*h2Stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]uint32, k)
	streams := make([]*h2Stream, k)
	for j := range ids {
		ids[j] = c.nextID
		c.nextID += 2
		streams[j] = &h2Stream{header: http.Header{}, done: make(chan struct{})}
		c.streams[ids[j]] = streams[j]
	}
	return ids, streams
}

// sendPrefixes writes, in one write, each stream's HEADERS (and
// CONTINUATION) without END_STREAM and its body but the last byte.
func (c *h2Conn) sendPrefixes(ids []uint32, reqs []*http.Request, payloads [][]byte) error {
	c.mu.Lock()
	maxFrame := int(c.maxFrame)
	c.mu.Unlock()
	_, err := c.write(func(f *http2.Framer) error {
		for j, req := range reqs {
			block := c.encodeHeaders(req, len(payloads[j]))
			for first := true; first || len(block) > 0; first = false {
				chunk := block[:min(len(block), maxFrame)]
				block = block[len(chunk):]
				var err error
				if first {
					err = f.WriteHeaders(http2.HeadersFrameParam{StreamID: ids[j], BlockFragment: chunk, EndHeaders: len(block) == 0})
				} else {
					err = f.WriteContinuation(ids[j], len(block) == 0, chunk)
				}
				if err != nil {
					return err
				}
			}
			prefix := payloads[j][:max(len(payloads[j])-1, 0)]
			for len(prefix) > 0 {
				chunk := prefix[:min(len(prefix), maxFrame)]
				prefix = prefix[len(chunk):]
				if err := f.WriteData(ids[j], false, chunk); err != nil {
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
func (c *h2Conn) sendFinals(ids []uint32, payloads [][]byte) (time.Time, error) {
	return c.write(func(f *http2.Framer) error {
		for j, id := range ids {
			body := payloads[j]
			if err := f.WriteData(id, true, body[max(len(body)-1, 0):]); err != nil {
				return err
			}
		}
		return nil
	})
}

// hopHeaders are connection-specific and forbidden in HTTP/2 (RFC 9113
// §8.2.2); host becomes :authority and content-length is set from the body.
var hopHeaders = map[string]bool{
	"connection": true, "proxy-connection": true, "keep-alive": true, "transfer-encoding": true,
	"upgrade": true, "te": true, "host": true, "content-length": true,
}

// encodeHeaders returns req's header block. Callers hold wmu (the encoder's
// dynamic table must see blocks in the order they are sent).
func (c *h2Conn) encodeHeaders(req *http.Request, bodyLen int) []byte {
	c.hbuf.Reset()
	authority := req.Host
	if authority == "" {
		authority = req.URL.Host
	}
	field := func(name, value string) {
		c.enc.WriteField(hpack.HeaderField{Name: name, Value: value}) //nolint:errcheck // writes to a bytes.Buffer
	}
	field(":method", req.Method)
	field(":scheme", req.URL.Scheme)
	field(":authority", authority)
	field(":path", req.URL.RequestURI())
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range req.Header {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		lower := strings.ToLower(name)
		if hopHeaders[lower] {
			continue
		}
		for _, value := range req.Header[name] {
			field(lower, value)
		}
	}
	if bodyLen > 0 || req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		field("content-length", strconv.Itoa(bodyLen))
	}
	if req.Header.Get("User-Agent") == "" {
		field("user-agent", "Go-http-client/2.0")
	}
	return slices.Clone(c.hbuf.Bytes())
}

// wireBody reads a built request's whole body.
func wireBody(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	return io.ReadAll(req.Body)
}
