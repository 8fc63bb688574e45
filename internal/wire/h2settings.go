package wire

import (
	"fmt"

	"golang.org/x/net/http2"
)

// checkSetting validates one of the server's settings against RFC 9113
// §6.5.2: ENABLE_PUSH is 0 (a server must not send 1), INITIAL_WINDOW_SIZE
// at most 2^31-1, MAX_FRAME_SIZE within 16384..16777215,
// ENABLE_CONNECT_PROTOCOL 0 or 1 (RFC 8441). Other values are unbounded by
// the RFC, and unknown settings are ignored as it requires.
func checkSetting(s http2.Setting) error {
	err := s.Valid()
	if err == nil && s.ID == http2.SettingEnablePush && s.Val != 0 {
		err = http2.ConnectionError(http2.ErrCodeProtocol)
	}
	if err != nil {
		return fmt.Errorf("the server sent an invalid HTTP/2 setting %s = %d (RFC 9113 §6.5.2): %w", s.ID, s.Val, err)
	}
	return nil
}

// settings validates the server's SETTINGS, applies them all or none, and
// acknowledges them. The header table size is only honoured during the
// handshake, before any request is encoded (servers send it there).
func (c *h2Conn) settings(sf *http2.SettingsFrame, handshake bool) error {
	if sf.IsAck() {
		return nil
	}
	if err := sf.ForeachSetting(checkSetting); err != nil {
		return err
	}
	c.mu.Lock()
	sf.ForeachSetting(func(s http2.Setting) error { //nolint:errcheck // the func returns nil
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
	_, err := c.write(func(f *http2.Framer) error { return f.WriteSettingsAck() })
	return err
}

// control handles the frames that are not a stream's HEADERS or DATA,
// at most h2MaxControl (plus h2ControlPerStream per stream) of them,
// empty DATA frames and frames on ended streams included.
func (c *h2Conn) control(fr http2.Frame, handshake bool) error {
	c.mu.Lock()
	err := c.countControlLocked()
	c.mu.Unlock()
	if err != nil {
		return err
	}
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
			defer c.mu.Unlock()
			if c.connWindow+int64(f.Increment) > maxWindow {
				return fmt.Errorf("the server's WINDOW_UPDATE overflows the connection window (RFC 9113 §6.9.1)")
			}
			c.connWindow += int64(f.Increment)
		}
	case *http2.GoAwayFrame:
		c.mu.Lock()
		c.goAway = f
		for id, s := range c.streams {
			if id > f.LastStreamID {
				c.endLocked(s, fmt.Errorf("the server sent GOAWAY (%v) before processing the request", f.ErrCode))
			}
		}
		c.mu.Unlock()
	case *http2.RSTStreamFrame:
		c.end(f.StreamID, fmt.Errorf("the server reset the stream (%v)", f.ErrCode))
	case *http2.PushPromiseFrame:
		return fmt.Errorf("the server sent PUSH_PROMISE although push is disabled (RFC 9113 §8.4)")
	case *http2.HeadersFrame, *http2.DataFrame:
		return fmt.Errorf("the server sent %s on stream %d before any request", fr.Header().Type, fr.Header().StreamID)
	}
	return nil
}

// countControlLocked counts one frame that carries no response: a control
// frame, an empty DATA frame, a frame on an ended stream. Callers hold mu.
func (c *h2Conn) countControlLocked() error {
	c.controls++
	if limit := h2MaxControl + h2ControlPerStream*len(c.streams); c.controls > limit {
		return fmt.Errorf("the server sent more than %d frames that carry no response (control frames, empty DATA)", limit)
	}
	return nil
}
