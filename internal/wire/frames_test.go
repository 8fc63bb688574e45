package wire

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// serverFrames builds what an HTTP/2 server sends, frame by frame, for the
// tests' misbehaving servers and the fuzz seeds.
type serverFrames struct {
	buf bytes.Buffer
	fr  *http2.Framer
	enc *hpack.Encoder
	hb  bytes.Buffer
}

func newServerFrames() *serverFrames {
	s := &serverFrames{}
	s.fr = http2.NewFramer(&s.buf, nil)
	s.fr.AllowIllegalWrites = true // misbehaving servers write what the RFC forbids
	s.enc = hpack.NewEncoder(&s.hb)
	return s
}

func (s *serverFrames) settings(ss ...http2.Setting) *serverFrames {
	s.fr.WriteSettings(ss...) //nolint:errcheck // writes to a buffer
	return s
}

func (s *serverFrames) settingsAck() *serverFrames { s.fr.WriteSettingsAck(); return s } //nolint:errcheck

func (s *serverFrames) pingAck() *serverFrames {
	s.fr.WritePing(true, [8]byte{'i', 'd', 'e', 'm'}) //nolint:errcheck
	return s
}

// block encodes header fields given as name, value pairs.
func (s *serverFrames) block(kv ...string) []byte {
	s.hb.Reset()
	for i := 0; i+1 < len(kv); i += 2 {
		s.enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]}) //nolint:errcheck
	}
	return bytes.Clone(s.hb.Bytes())
}

func (s *serverFrames) headers(id uint32, end bool, kv ...string) *serverFrames {
	s.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: s.block(kv...), EndHeaders: true, EndStream: end}) //nolint:errcheck
	return s
}

func (s *serverFrames) data(id uint32, end bool, b []byte) *serverFrames {
	for len(b) > 16384 {
		s.fr.WriteData(id, false, b[:16384]) //nolint:errcheck
		b = b[16384:]
	}
	s.fr.WriteData(id, end, b) //nolint:errcheck
	return s
}

func (s *serverFrames) bytes() []byte { return bytes.Clone(s.buf.Bytes()) }

// handshake is a correct server's opening: SETTINGS, the ACK of ours and
// the answer to our PING.
func handshake() *serverFrames {
	return newServerFrames().settings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 100}).settingsAck().pingAck()
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b) //nolint:errcheck
	zw.Close()
	return buf.Bytes()
}

// scriptConn is a net.Conn that reads a fixed script and discards writes.
type scriptConn struct{ r io.Reader }

func (c scriptConn) Read(p []byte) (int, error)     { return c.r.Read(p) }
func (scriptConn) Write(p []byte) (int, error)      { return len(p), nil }
func (scriptConn) Close() error                     { return nil }
func (scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (scriptConn) SetDeadline(time.Time) error      { return nil }
func (scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (scriptConn) SetWriteDeadline(time.Time) error { return nil }
