package wire

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ErrNoH2 says the target does not speak HTTP/2 the way the release needs.
var ErrNoH2 = errors.New("the target does not speak HTTP/2")

// HTTP/2 limits of ours, besides Config's.
const (
	// h2MaxReadFrame is our SETTINGS_MAX_FRAME_SIZE, net/http's transport's.
	h2MaxReadFrame = 1 << 20
	// h2MaxControl bounds the frames that are not a stream's HEADERS or
	// DATA (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM, PRIORITY, unknown
	// types) on one connection, plus h2ControlPerStream for each stream.
	h2MaxControl       = 1024
	h2ControlPerStream = 4
	// h2MaxHeaderBlocks bounds a stream's header blocks: informational
	// responses, the final header and trailers.
	h2MaxHeaderBlocks = maxInformational + 2
	// maxWindow is the largest flow-control window (RFC 9113 §6.9.1).
	maxWindow = 1<<31 - 1
)

// h2Conn is a client HTTP/2 connection driven frame by frame, which
// net/http's transport cannot do: the release must decide which frames go
// into which write. One goroutine (readLoop) reads; writes go through write.
type h2Conn struct {
	conn   net.Conn
	cfg    Config
	budget *readBudget
	read   *http2.Framer  // used by the handshake, then only by readLoop
	dec    *hpack.Decoder // the header blocks' decoder, used by readLoop
	dead   chan struct{}  // closed when readLoop has ended every stream and returned

	wmu   sync.Mutex
	wbuf  bytes.Buffer
	wfr   *http2.Framer // writes into wbuf; write sends wbuf in one conn.Write
	enc   *hpack.Encoder
	hbuf  bytes.Buffer
	pings chan struct{} // a PING ACK arrived

	mu           sync.Mutex
	maxStreams   uint32 // the server's SETTINGS_MAX_CONCURRENT_STREAMS
	initWindow   int64  // the server's SETTINGS_INITIAL_WINDOW_SIZE: our send window per stream
	maxFrame     uint32 // the server's SETTINGS_MAX_FRAME_SIZE
	connWindow   int64  // our send window on the connection
	streamWindow int64  // the receive window we grant each stream
	recvWindow   int64  // what the server may still send on the connection
	controls     int    // control frames read so far
	goAway       *http2.GoAwayFrame
	streams      map[uint32]*h2Stream // every stream opened, ended ones too
	nextID       uint32               // the next client stream id: 1, 3, 5, …
	readErr      error
}

// openH2 connects to u and completes the HTTP/2 handshake: TLS with ALPN h2
// for https, prior knowledge (h2c) for http. It returns ErrNoH2 (wrapped)
// when the server answers with anything but HTTP/2. After the PING round
// trip at the end, the server's SETTINGS and WINDOW_UPDATEs are applied.
func openH2(ctx context.Context, cfg Config, u *url.URL) (*h2Conn, error) {
	conn, err := Dial(ctx, cfg, u, []string{"h2"})
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", u.Host, err)
	}
	if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol != "h2" {
		conn.Close()
		return nil, fmt.Errorf("%w: TLS ALPN did not select h2", ErrNoH2)
	}
	c := newH2Conn(conn, cfg)
	if err := c.handshake(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	go c.readLoop()
	return c, nil
}

// newH2Conn prepares an HTTP/2 client connection on conn, with the
// defaults of RFC 9113 §6.5.2 until the server's SETTINGS arrive.
func newH2Conn(conn net.Conn, cfg Config) *h2Conn {
	c := &h2Conn{
		conn:         conn,
		cfg:          cfg,
		dead:         make(chan struct{}),
		pings:        make(chan struct{}, 1),
		maxStreams:   1<<32 - 1,
		initWindow:   65535,
		maxFrame:     16384,
		connWindow:   65535,
		streamWindow: min(int64(cfg.MaxBody)+int64(cfg.MaxBody/4)+1, 1<<30),
		recvWindow:   65535,
		streams:      map[uint32]*h2Stream{},
		nextID:       1,
	}
	c.budget = &readBudget{r: conn, left: 1 << 20}
	c.read = http2.NewFramer(nil, bufio.NewReader(c.budget))
	c.read.SetMaxReadFrameSize(h2MaxReadFrame)
	c.dec = hpack.NewDecoder(4096, nil) // our SETTINGS_HEADER_TABLE_SIZE is the default
	c.dec.SetMaxStringLength(cfg.MaxHeaderBytes)
	c.wfr = http2.NewFramer(&c.wbuf, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	return c
}

// handshake sends the preface and our SETTINGS, applies the server's, and
// returns after a PING round trip.
func (c *h2Conn) handshake(ctx context.Context) error {
	deadline := time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.conn.SetDeadline(deadline) //nolint:errcheck // a failing conn fails the write below
	defer c.conn.SetDeadline(time.Time{})
	_, err := c.write(func(f *http2.Framer) error {
		c.wbuf.WriteString(http2.ClientPreface)
		return f.WriteSettings(
			http2.Setting{ID: http2.SettingEnablePush, Val: 0},
			http2.Setting{ID: http2.SettingInitialWindowSize, Val: uint32(c.streamWindow)},
			http2.Setting{ID: http2.SettingMaxFrameSize, Val: h2MaxReadFrame},
			http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: uint32(c.cfg.MaxHeaderBytes)},
		)
	})
	if err != nil {
		return fmt.Errorf("send HTTP/2 preface: %w", err)
	}
	first, err := c.read.ReadFrame()
	var ce http2.ConnectionError
	if errors.As(err, &ce) { // an HTTP/2 frame, but an invalid one
		return fmt.Errorf("HTTP/2 handshake: the server's first frame is invalid: %w", c.frameError(err))
	}
	sf, ok := first.(*http2.SettingsFrame)
	if err != nil || !ok || sf.IsAck() {
		why := fmt.Sprintf("a %T", first)
		if err != nil {
			why = err.Error()
		}
		return fmt.Errorf("%w: no SETTINGS frame in answer to the connection preface (%s)", ErrNoH2, why)
	}
	if err := c.settings(sf, true); err != nil {
		return err
	}
	if err := c.ping(); err != nil {
		return err
	}
	for { // bounded: the deadline, the read budget and h2MaxControl
		fr, err := c.read.ReadFrame()
		if err != nil {
			return fmt.Errorf("HTTP/2 handshake: %w", c.frameError(err))
		}
		if p, ok := fr.(*http2.PingFrame); ok && p.IsAck() {
			return nil
		}
		if err := c.control(fr, true); err != nil {
			return fmt.Errorf("HTTP/2 handshake: %w", err)
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

// close ends the connection; readLoop then fails what is still open.
func (c *h2Conn) close() { c.conn.Close() }

// frameError makes a framer error readable: the framer's detail, when it
// has one, names what was wrong with the frame.
func (c *h2Conn) frameError(err error) error {
	var ce http2.ConnectionError
	if errors.As(err, &ce) {
		if d := c.read.ErrorDetail(); d != nil {
			return fmt.Errorf("%w (%v)", err, d)
		}
	}
	return err
}

// readBudget fails reads beyond left bytes, which grows as streams open.
type readBudget struct {
	mu    sync.Mutex
	r     net.Conn
	left  int64
	total int64
}

func (b *readBudget) Read(p []byte) (int, error) {
	b.mu.Lock()
	left := b.left
	b.mu.Unlock()
	if left <= 0 {
		return 0, fmt.Errorf("the server sent more than %d bytes on the connection, more than the responses may take", b.limit())
	}
	n, err := b.r.Read(p[:min(int64(len(p)), left)])
	b.mu.Lock()
	b.left -= int64(n)
	b.total += int64(n)
	b.mu.Unlock()
	return n, err
}

// grow allows n more bytes.
func (b *readBudget) grow(n int64) {
	b.mu.Lock()
	b.left += n
	b.mu.Unlock()
}

func (b *readBudget) limit() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left + b.total
}
