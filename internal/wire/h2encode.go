package wire

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http2/hpack"
)

// hopHeaders are connection-specific and forbidden in HTTP/2 (RFC 9113
// §8.2.2); host becomes :authority and content-length is set from the body.
var hopHeaders = map[string]bool{
	"connection": true, "proxy-connection": true, "keep-alive": true, "transfer-encoding": true,
	"upgrade": true, "te": true, "host": true, "content-length": true,
}

// encodeHeaders returns req's header block as net/http's HTTP/2 transport
// would send it (accept-encoding: gzip when gz, a user-agent). Callers hold
// wmu (the encoder's dynamic table must see blocks in the order they are sent).
func (c *h2Conn) encodeHeaders(req *http.Request, bodyLen int, gz bool) []byte {
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
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for name := range req.Header {
			if !yield(name) {
				return
			}
		}
	}) {
		lower := strings.ToLower(name)
		if hopHeaders[lower] {
			continue
		}
		for _, value := range req.Header[name] {
			field(lower, value)
		}
	}
	if gz {
		field("accept-encoding", "gzip")
	}
	if bodyLen > 0 || req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		field("content-length", strconv.Itoa(bodyLen))
	}
	if req.Header.Get("User-Agent") == "" {
		field("user-agent", "Go-http-client/2.0")
	}
	return slices.Clone(c.hbuf.Bytes())
}

// requestBody reads a built request's whole body.
func requestBody(req *http.Request) ([]byte, error) {
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
