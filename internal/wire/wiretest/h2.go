package wiretest

import (
	"bytes"
	"io"
	"net"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// H2Server is a minimal HTTP/2 server for one connection: it reads the
// client preface, sends Settings (which need not be valid), acknowledges
// the client's SETTINGS, answers PINGs, and calls Respond for each
// request's HEADERS (after the request's END_STREAM when the request has
// a body). Respond writes the response through the framer; it may never
// return until a write fails.
type H2Server struct {
	Settings []http2.Setting
	Respond  func(fr *http2.Framer, streamID uint32)
	// Early calls Respond on each request's HEADERS, before its body's
	// END_STREAM: while a release waits for its PING answer.
	Early bool
}

// Serve runs s on c until the connection ends.
func (s H2Server) Serve(c net.Conn) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.AllowIllegalWrites = true
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if err := fr.WriteSettings(s.Settings...); err != nil {
		return
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck() //nolint:errcheck // a failed write fails the next read
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				fr.WritePing(true, f.Data) //nolint:errcheck
			}
		case *http2.MetaHeadersFrame:
			if f.StreamEnded() || s.Early {
				s.Respond(fr, f.StreamID)
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				s.Respond(fr, f.StreamID)
			}
		}
	}
}

// Block encodes header fields given as name, value pairs.
func Block(kv ...string) []byte {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]}) //nolint:errcheck // writes to a buffer
	}
	return b.Bytes()
}
