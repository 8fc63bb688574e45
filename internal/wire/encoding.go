package wire

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// wantsGzip reports whether net/http's transports would ask for gzip for
// this request and decode the answer: no Accept-Encoding and no Range of
// the caller's, and not HEAD (net/http's IsRequestGzip).
func wantsGzip(method string, h http.Header) bool {
	return len(h["Accept-Encoding"]) == 0 && len(h["Range"]) == 0 && method != http.MethodHead
}

// withTransportHeaders returns req as net/http's transport sends it: with
// Accept-Encoding: gzip when wantsGzip (a clone; req is not modified).
func withTransportHeaders(req *http.Request) (out *http.Request, gzipped bool) {
	if !wantsGzip(req.Method, req.Header) {
		return req, false
	}
	out = req.Clone(req.Context())
	out.Header.Set("Accept-Encoding", "gzip")
	return out, true
}

// isGzipped reports whether a response to a request that asked for gzip is
// to be decoded, and then removes the headers net/http removes.
func isGzipped(requested bool, h http.Header) bool {
	if !requested || !strings.EqualFold(h.Get("Content-Encoding"), "gzip") {
		return false
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return true
}

// readBody reads at most max bytes of body after decoding it (gzip when
// gzipped); truncated says there was more. An empty gzip body is an empty
// body, as in net/http.
func readBody(body io.Reader, gzipped bool, max int) (b []byte, truncated bool, err error) {
	r := body
	if gzipped {
		zr, err := gzip.NewReader(body)
		if errors.Is(err, io.EOF) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("decode gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(max)+1))
	if err != nil {
		if gzipped {
			return nil, false, fmt.Errorf("decode gzip body: %w", err)
		}
		return nil, false, err
	}
	b = buf.Bytes()
	if n > int64(max) {
		return b[:max], true, nil
	}
	return b, false, nil
}

// partialGzip decodes what it can of a gzip stream that was cut off, at
// most max bytes.
func partialGzip(raw []byte, max int) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(zr, int64(max))) // what came before the cut
	return b
}
