package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// http1Server answers every request on a connection with respond.
func http1Server(t *testing.T, respond func(c net.Conn)) string {
	return wiretest.Listen(t, func(c net.Conn) {
		if wiretest.ReadRequest(bufio.NewReader(c)) != nil {
			respond(c)
		}
	})
}

// TestLastByteEndlessHeader: a response header that never ends — one
// endless line, or endless lines — is cut at MaxHeaderBytes. It used to
// be read until memory ran out (7.6 GB in 34 s).
func TestLastByteEndlessHeader(t *testing.T) {
	servers := map[string]func(net.Conn){
		"one endless line": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Endless: ") //nolint:errcheck // the client hangs up
			wiretest.Endless(c, bytes.Repeat([]byte("e"), 32<<10))
		},
		"endless lines": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\n") //nolint:errcheck
			wiretest.Endless(c, []byte(strings.Repeat("X-Line: 0123456789\r\n", 1000)))
		},
		"endless informational responses": func(c net.Conn) {
			wiretest.Endless(c, []byte("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"))
		},
	}
	for name, respond := range servers {
		t.Run(name, func(t *testing.T) {
			base := http1Server(t, respond)
			bounded(t, hardLimit, func() {
				for i, o := range ReleaseLastByte(context.Background(), hostileCfg, requests(t, base, 5)) {
					if o.Response != nil || o.Err == nil || !(errors.Is(o.Err, ErrHeaderTooLarge) || strings.Contains(o.Err.Error(), "informational")) {
						t.Errorf("copy %d: response %v, error %v; want a header that is too large", i+1, o.Response != nil, o.Err)
					}
				}
			})
		})
	}
}

// TestLastByteHugeBody: an endless body — with a huge Content-Length,
// chunked, or a gzip bomb — is cut at MaxBody after decoding, said to be
// cut, and read no further.
func TestLastByteHugeBody(t *testing.T) {
	// One gzip member of 4 MiB of zeros (4 KiB on the wire), sent as a
	// chunk over and over: a multi-member gzip stream that never ends.
	member := gzipped(make([]byte, 4<<20))
	servers := map[string]func(net.Conn){
		"content-length": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n") //nolint:errcheck
			wiretest.Endless(c, bytes.Repeat([]byte("b"), 32<<10))
		},
		"chunked": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") //nolint:errcheck
			wiretest.Endless(c, []byte("4000\r\n"+strings.Repeat("c", 0x4000)+"\r\n"))
		},
		"gzip bomb": func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n") //nolint:errcheck
			wiretest.Endless(c, []byte(strconv.FormatInt(int64(len(member)), 16)+"\r\n"+string(member)+"\r\n"))
		},
	}
	for name, respond := range servers {
		t.Run(name, func(t *testing.T) {
			base := http1Server(t, respond)
			bounded(t, hardLimit, func() {
				for i, o := range ReleaseLastByte(context.Background(), hostileCfg, requests(t, base, 5)) {
					if o.Err != nil || o.Response == nil || !o.Response.Truncated || len(o.Response.Body) != DefaultMaxBody {
						t.Errorf("copy %d: %v; want a response cut at %d bytes and said to be", i+1, o.Err, DefaultMaxBody)
					}
				}
			})
		})
	}
}
