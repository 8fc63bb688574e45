package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/net/http2"
)

// h2Stream is one request's response as it arrives.
type h2Stream struct {
	id      uint32
	gzip    bool // the request asked for gzip
	decode  bool // the response is gzipped: decode it
	status  int
	header  http.Header
	raw     []byte // the body as received, before decoding
	flow    int64  // flow-controlled bytes received (padding included)
	blocks  int    // header blocks received
	ended   bool
	resp    *Response
	err     error
	endedAt time.Time
	done    chan struct{}
}

// readLoop reads the server's frames until the connection ends, filling the
// streams' responses. Every iteration reads at least a frame header from a
// budgeted reader, and the connection is closed when the exchange's time
// is up, so the loop ends.
func (c *h2Conn) readLoop() {
	defer close(c.dead)
	for {
		fr, err := c.read.ReadFrame()
		var se http2.StreamError
		switch {
		case errors.As(err, &se):
			c.end(se.StreamID, fmt.Errorf("malformed response: %w", se))
			if err := c.control(nil, false); err != nil { // counts towards the control frames
				c.fail(err)
				return
			}
			continue
		case err != nil:
			c.fail(c.frameError(err))
			return
		}
		switch f := fr.(type) {
		case *http2.HeadersFrame:
			var b *h2Block
			if b, err = c.readBlock(f); err == nil {
				err = c.headers(b)
			}
		case *http2.DataFrame:
			err = c.data(f)
		default:
			err = c.control(fr, false)
		}
		if err != nil {
			c.fail(err)
			return
		}
	}
}

// stream returns the open or ended stream id, or an error when idemcheck
// never opened it (a frame on an idle stream, RFC 9113 §5.1). Callers hold mu.
func (c *h2Conn) stream(id uint32, what string) (*h2Stream, error) {
	if s := c.streams[id]; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("the server sent %s on stream %d, which idemcheck never opened", what, id)
}

func (c *h2Conn) headers(f *h2Block) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.stream(f.streamID, "HEADERS")
	if err != nil {
		return err
	}
	if s.ended {
		return c.countControlLocked()
	}
	s.blocks++
	switch {
	case f.truncated:
		c.endLocked(s, fmt.Errorf("read response: more than %d bytes: %w", c.cfg.MaxHeaderBytes, ErrHeaderTooLarge))
		return nil
	case s.blocks > h2MaxHeaderBlocks:
		c.endLocked(s, fmt.Errorf("read response: more than %d header blocks", h2MaxHeaderBlocks))
		return nil
	case f.invalid != nil:
		c.endLocked(s, fmt.Errorf("malformed response: %w", f.invalid))
		return nil
	case s.status != 0: // trailers: they carry nothing we compare, and end the stream
		if !f.endStream {
			c.endLocked(s, errors.New("malformed response: trailers without END_STREAM"))
			return nil
		}
		c.finishLocked(s, true)
		return nil
	}
	status, err := strconv.Atoi(f.status)
	if err != nil || status < 100 || status > 999 {
		c.endLocked(s, fmt.Errorf("malformed response: no valid :status"))
		return nil
	}
	if status < 200 { // 1xx are informational: the real response follows
		if f.endStream {
			c.endLocked(s, fmt.Errorf("malformed response: informational %d ends the stream", status))
		}
		return nil
	}
	s.status = status
	for _, hf := range f.fields {
		s.header.Add(hf.Name, hf.Value) // Add canonicalizes the name
	}
	if f.endStream {
		c.finishLocked(s, true)
		return nil
	}
	s.decode = isGzipped(s.gzip, s.header) // net/http decodes only a response with a body
	return nil
}

func (c *h2Conn) data(f *http2.DataFrame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.stream(f.StreamID, "DATA")
	if err != nil {
		return err
	}
	n := int64(f.Length) // flow control counts padding too
	c.recvWindow -= n
	s.flow += n
	switch {
	case c.recvWindow < 0:
		return errors.New("the server exceeded the connection's flow-control window (RFC 9113 §6.9)")
	case s.flow > c.streamWindow:
		return fmt.Errorf("the server exceeded stream %d's flow-control window (RFC 9113 §6.9)", s.id)
	case f.Length == 0 && (s.ended || !f.StreamEnded()):
		return c.countControlLocked() // carries nothing: bounded in count
	case s.ended:
		return nil // was in flight when the stream ended: flow control bounds it
	case s.status == 0:
		c.endLocked(s, errors.New("malformed response: DATA before the response header"))
		return nil
	}
	s.raw = append(s.raw, f.Data()...)
	switch {
	case f.StreamEnded():
		c.finishLocked(s, true)
	case !s.decode && len(s.raw) > c.cfg.MaxBody, s.flow >= c.streamWindow:
		// Enough read: cut the body, and stop the server sending more.
		c.finishLocked(s, false)
		go c.write(func(w *http2.Framer) error { return w.WriteRSTStream(s.id, http2.ErrCodeCancel) }) //nolint:errcheck // best effort
	}
	return nil
}

// finishLocked ends s with its response; complete says the server ended the
// stream, otherwise the body was cut. Callers hold mu.
func (c *h2Conn) finishLocked(s *h2Stream, complete bool) {
	body, truncated := s.raw, !complete
	if s.decode {
		var err error
		body, truncated, err = readBody(bytes.NewReader(s.raw), true, c.cfg.MaxBody)
		switch {
		case err != nil && !complete && errors.Is(err, io.ErrUnexpectedEOF):
			body, truncated = partialGzip(s.raw, c.cfg.MaxBody), true
		case err != nil:
			c.endLocked(s, fmt.Errorf("read response body: %w", err))
			return
		}
		truncated = truncated || !complete
	} else if len(body) > c.cfg.MaxBody {
		body, truncated = body[:c.cfg.MaxBody], true
	}
	s.resp = &Response{Status: s.status, Header: s.header, Body: body, Truncated: truncated}
	c.endLocked(s, nil)
}

// end finishes stream id with err, if it is open.
func (c *h2Conn) end(id uint32, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.streams[id]; s != nil {
		c.endLocked(s, err)
	}
}

// endLocked ends s with err (nil: its response is s.resp). Callers hold mu.
func (c *h2Conn) endLocked(s *h2Stream, err error) {
	if s.ended {
		return
	}
	if err == nil && s.resp == nil {
		err = errors.New("the stream ended without a response")
	}
	s.err, s.ended, s.endedAt, s.raw = err, true, time.Now(), nil
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
	for _, s := range c.streams {
		c.endLocked(s, fmt.Errorf("read response: %w", err))
	}
}
