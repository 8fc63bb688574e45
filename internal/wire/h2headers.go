package wire

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2MaxFragments bounds the frames of one header block (HEADERS and its
// CONTINUATIONs): a header of DefaultMaxHeaderBytes in 16 KiB frames takes
// 64. Without it, empty CONTINUATION frames could go on for ever.
const h2MaxFragments = 512

// h2Block is one decoded header block.
type h2Block struct {
	streamID  uint32
	endStream bool
	status    string
	fields    []hpack.HeaderField // the regular fields
	truncated bool                // over Config.MaxHeaderBytes: fields are incomplete
	invalid   error               // a malformed field
}

// readBlock reads the rest of the header block hf opens and decodes it: at
// most h2MaxFragments frames and twice Config.MaxHeaderBytes of encoded
// bytes, and Config.MaxHeaderBytes decoded (as RFC 9113 §6.5.2 counts a
// header list). Every block goes through the one decoder, so its dynamic
// table stays in step with the server's, even for blocks idemcheck ignores.
func (c *h2Conn) readBlock(hf *http2.HeadersFrame) (*h2Block, error) {
	b := &h2Block{streamID: hf.StreamID, endStream: hf.StreamEnded()}
	size, regular := 0, false
	c.dec.SetEmitEnabled(true)
	c.dec.SetEmitFunc(func(f hpack.HeaderField) {
		size += int(f.Size())
		switch {
		case size > c.cfg.MaxHeaderBytes:
			b.truncated = true
			c.dec.SetEmitEnabled(false) // the table is still updated
		case b.invalid != nil:
		case !httpguts.ValidHeaderFieldValue(f.Value):
			b.invalid = fmt.Errorf("invalid value of header field %q", f.Name)
		case f.IsPseudo() && (regular || f.Name != ":status" || b.status != ""):
			b.invalid = fmt.Errorf("unexpected pseudo-header field %q", f.Name)
		case f.IsPseudo():
			b.status = f.Value
		case !httpguts.ValidHeaderFieldName(f.Name) || strings.ToLower(f.Name) != f.Name:
			b.invalid = fmt.Errorf("invalid header field name %q", f.Name)
		default:
			regular = true
			b.fields = append(b.fields, f)
		}
	})
	defer c.dec.SetEmitFunc(func(hpack.HeaderField) {})
	frag, ended, encoded := hf.HeaderBlockFragment(), hf.HeadersEnded(), 0
	for n := 1; ; n++ {
		encoded += len(frag)
		if n > h2MaxFragments || encoded > 2*c.cfg.MaxHeaderBytes {
			return nil, fmt.Errorf("a response header block of more than %d frames or %d bytes: %w", h2MaxFragments, 2*c.cfg.MaxHeaderBytes, ErrHeaderTooLarge)
		}
		if _, err := c.dec.Write(frag); errors.Is(err, hpack.ErrStringLength) {
			return nil, fmt.Errorf("a response header field longer than %d bytes: %w", c.cfg.MaxHeaderBytes, ErrHeaderTooLarge)
		} else if err != nil {
			return nil, fmt.Errorf("undecodable response header block (HPACK): %w", err)
		}
		if ended {
			break
		}
		fr, err := c.read.ReadFrame() // the framer lets only a CONTINUATION of this stream through
		if err != nil {
			return nil, c.frameError(err)
		}
		cf, ok := fr.(*http2.ContinuationFrame)
		if !ok {
			return nil, errors.New("a header block interrupted by another frame")
		}
		frag, ended = cf.HeaderBlockFragment(), cf.HeadersEnded()
	}
	if err := c.dec.Close(); err != nil {
		return nil, fmt.Errorf("undecodable response header block (HPACK): %w", err)
	}
	return b, nil
}
