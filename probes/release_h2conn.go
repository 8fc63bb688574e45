package probes

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Our HTTP/2 receive windows: large enough that no response of a round
// (MaxBody per stream at most) ever waits for a WINDOW_UPDATE, since every
// round uses a fresh connection.
const (
	h2StreamWindow = 1 << 30
	h2ConnWindow   = 1 << 30
)

// errNoH2 says the target does not speak HTTP/2 the way the release needs.
var errNoH2 = errors.New("the target does not speak HTTP/2")

// h2Conn is a client HTTP/2 connection driven frame by frame, which
// net/http's transport cannot do: the release must decide which frames go
// into which write. One goroutine (readLoop) reads; writes go through write.
type h2Conn struct {
	conn net.Conn
	read *http2.Framer // used by the handshake, then only by readLoop

	wmu   sync.Mutex
	wbuf  bytes.Buffer
	wfr   *http2.Framer // writes into wbuf; write sends wbuf in one conn.Write
	enc   *hpack.Encoder
	hbuf  bytes.Buffer
	pings chan struct{} // a PING ACK arrived

	mu         sync.Mutex
	maxStreams uint32 // the server's SETTINGS_MAX_CONCURRENT_STREAMS
	initWindow int64  // the server's SETTINGS_INITIAL_WINDOW_SIZE: our send window per stream
	maxFrame   uint32 // the server's SETTINGS_MAX_FRAME_SIZE
	connWindow int64  // our send window on the connection
	goAway     *http2.GoAwayFrame
	streams    map[uint32]*h2Stream
	nextID     uint32 // the next client stream id: 1, 3, 5, …
	readErr    error
}

// h2Stream is one request's response as it arrives.
type h2Stream struct {
	status int
	header http.Header
	body   []byte
	err    error
	done   chan struct{}
}

// openH2 connects to u and completes the HTTP/2 handshake: TLS with ALPN h2
// for https, prior knowledge (h2c) for http. It returns errNoH2 (wrapped)
// when the server answers with anything but HTTP/2. After the PING round
// trip at the end, the server's SETTINGS and WINDOW_UPDATEs are applied.
func openH2(ctx context.Context, env *Env, u *url.URL) (*h2Conn, error) {
	conn, err := dialTarget(ctx, env, u, []string{"h2"})
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", u.Host, err)
	}
	if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol != "h2" {
		conn.Close()
		return nil, fmt.Errorf("%w: TLS ALPN did not select h2", errNoH2)
	}
	c := &h2Conn{
		conn:       conn,
		pings:      make(chan struct{}, 1),
		maxStreams: 1<<32 - 1,
		initWindow: 65535,
		maxFrame:   16384,
		connWindow: 65535,
		streams:    map[uint32]*h2Stream{},
		nextID:     1,
	}
	c.read = http2.NewFramer(nil, bufio.NewReader(conn))
	c.read.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.wfr = http2.NewFramer(&c.wbuf, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	if err := c.handshake(ctx, env.Timeout); err != nil {
		conn.Close()
		return nil, err
	}
	go c.readLoop()
	return c, nil
}

func (c *h2Conn) handshake(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.conn.SetDeadline(deadline) //nolint:errcheck // a failing conn fails the write below
	defer c.conn.SetDeadline(time.Time{})
	_, err := c.write(func(f *http2.Framer) error {
		c.wbuf.WriteString(http2.ClientPreface)
		if err := f.WriteSettings(
			http2.Setting{ID: http2.SettingEnablePush, Val: 0},
			http2.Setting{ID: http2.SettingInitialWindowSize, Val: h2StreamWindow},
		); err != nil {
			return err
		}
		return f.WriteWindowUpdate(0, h2ConnWindow)
	})
	if err != nil {
		return fmt.Errorf("send HTTP/2 preface: %w", err)
	}
	first, err := c.read.ReadFrame()
	sf, ok := first.(*http2.SettingsFrame)
	if err != nil || !ok || sf.IsAck() {
		why := fmt.Sprintf("a %T", first)
		if err != nil {
			why = err.Error()
		}
		return fmt.Errorf("%w: no SETTINGS frame in answer to the connection preface (%s)", errNoH2, why)
	}
	if err := c.settings(sf, true); err != nil {
		return err
	}
	if err := c.ping(); err != nil {
		return err
	}
	for {
		fr, err := c.read.ReadFrame()
		if err != nil {
			return fmt.Errorf("HTTP/2 handshake: %w", err)
		}
		if p, ok := fr.(*http2.PingFrame); ok && p.IsAck() {
			return nil
		}
		if err := c.control(fr, true); err != nil {
			return err
		}
	}
}

// write runs fill on a framer that writes into a buffer and sends the
// buffer in one conn.Write; it returns when that write returned.
func (c *h2Conn) write(fill func(*http2.Framer) error) (time.Time, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wbuf.Reset()
	if err := fill(c.wfr); err != nil {
		return time.Time{}, err
	}
	_, err := c.conn.Write(c.wbuf.Bytes())
	return time.Now(), err
}

// ping sends a PING; the server answers it after it has read every frame
// sent before it.
func (c *h2Conn) ping() error {
	_, err := c.write(func(f *http2.Framer) error { return f.WritePing(false, [8]byte{'i', 'd', 'e', 'm'}) })
	return err
}

// settings applies the server's SETTINGS and acknowledges them. The header
// table size is only honoured during the handshake, before any request is
// encoded (servers send it there).
func (c *h2Conn) settings(sf *http2.SettingsFrame, handshake bool) error {
	if sf.IsAck() {
		return nil
	}
	c.mu.Lock()
	err := sf.ForeachSetting(func(s http2.Setting) error {
		switch s.ID {
		case http2.SettingMaxConcurrentStreams:
			c.maxStreams = s.Val
		case http2.SettingInitialWindowSize:
			c.initWindow = int64(s.Val)
		case http2.SettingMaxFrameSize:
			c.maxFrame = s.Val
		case http2.SettingHeaderTableSize:
			if handshake {
				c.enc.SetMaxDynamicTableSizeLimit(s.Val)
			}
		}
		return nil
	})
	c.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = c.write(func(f *http2.Framer) error { return f.WriteSettingsAck() })
	return err
}

// control handles the connection-level frames: SETTINGS, PING, WINDOW_UPDATE, GOAWAY.
func (c *h2Conn) control(fr http2.Frame, handshake bool) error {
	switch f := fr.(type) {
	case *http2.SettingsFrame:
		return c.settings(f, handshake)
	case *http2.PingFrame:
		if f.IsAck() {
			select {
			case c.pings <- struct{}{}:
			default:
			}
			return nil
		}
		_, err := c.write(func(w *http2.Framer) error { return w.WritePing(true, f.Data) })
		return err
	case *http2.WindowUpdateFrame:
		if f.StreamID == 0 {
			c.mu.Lock()
			c.connWindow += int64(f.Increment)
			c.mu.Unlock()
		}
	case *http2.GoAwayFrame:
		c.mu.Lock()
		c.goAway = f
		for id, s := range c.streams {
			if id > f.LastStreamID {
				c.endLocked(id, s, fmt.Errorf("the server sent GOAWAY (%v) before processing the request", f.ErrCode))
			}
		}
		c.mu.Unlock()
	}
	return nil
}

// readLoop reads the server's frames until the connection ends, filling the
// streams' responses.
func (c *h2Conn) readLoop() {
	for {
		fr, err := c.read.ReadFrame()
		var se http2.StreamError
		switch {
		case errors.As(err, &se):
			c.end(se.StreamID, fmt.Errorf("malformed response: %w", se))
			continue
		case err != nil:
			c.fail(err)
			return
		}
		switch f := fr.(type) {
		case *http2.MetaHeadersFrame:
			c.headers(f)
		case *http2.DataFrame:
			c.data(f)
		case *http2.RSTStreamFrame:
			c.end(f.StreamID, fmt.Errorf("the server reset the stream (%v)", f.ErrCode))
		default:
			if err := c.control(fr, false); err != nil {
				c.fail(err)
				return
			}
		}
	}
}

func (c *h2Conn) headers(f *http2.MetaHeadersFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.streams[f.StreamID]
	if s == nil {
		return
	}
	if s.status == 0 { // trailers, after the status, carry nothing we compare
		status, err := strconv.Atoi(f.PseudoValue("status"))
		if err != nil {
			c.endLocked(f.StreamID, s, fmt.Errorf("response without a valid :status"))
			return
		}
		if status >= 200 { // 1xx are informational: the real response follows
			s.status = status
			for _, hf := range f.RegularFields() {
				s.header.Add(http.CanonicalHeaderKey(hf.Name), hf.Value)
			}
		}
	}
	if f.StreamEnded() {
		c.endLocked(f.StreamID, s, nil)
	}
}

func (c *h2Conn) data(f *http2.DataFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.streams[f.StreamID]
	if s == nil {
		return
	}
	if room := MaxBody - len(s.body); room > 0 {
		s.body = append(s.body, f.Data()[:min(room, len(f.Data()))]...)
	}
	if f.StreamEnded() {
		c.endLocked(f.StreamID, s, nil)
	}
}

// end finishes stream id with err (nil: a complete response).
func (c *h2Conn) end(id uint32, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.streams[id]; s != nil {
		c.endLocked(id, s, err)
	}
}

func (c *h2Conn) endLocked(id uint32, s *h2Stream, err error) {
	if err == nil && s.status == 0 {
		err = errors.New("the stream ended without a response")
	}
	s.err = err
	delete(c.streams, id)
	close(s.done)
}

// fail ends every open stream when the connection is gone.
func (c *h2Conn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if errors.Is(err, io.EOF) {
		err = errors.New("the server closed the connection")
	}
	c.readErr = err
	for id, s := range c.streams {
		c.endLocked(id, s, fmt.Errorf("read response: %w", err))
	}
}

// close ends the connection; readLoop then fails what is still open.
func (c *h2Conn) close() { c.conn.Close() }
