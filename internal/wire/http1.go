package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxInformational bounds the 1xx responses read before the final one, on
// either protocol.
const maxInformational = 16

// ErrHeaderTooLarge says a response header exceeded Config.MaxHeaderBytes.
var ErrHeaderTooLarge = errors.New("response header too large")

// headerLimiter lets at most n bytes through while a header is read (like
// net/http's persistConn.readLimit); body reads are bounded by the caller.
type headerLimiter struct {
	r     io.Reader
	n     int
	limit int
	body  bool // the header is read: no more header limit
}

func (l *headerLimiter) Read(p []byte) (int, error) {
	if l.body {
		return l.r.Read(p)
	}
	if l.n <= 0 {
		return 0, fmt.Errorf("more than %d bytes: %w", l.limit, ErrHeaderTooLarge)
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}

// ReadResponse reads the final HTTP/1.1 response to req from r, skipping
// informational ones (1xx but 101, e.g. 103 Early Hints: taking one for the
// answer failed correct servers). Headers, 1xx included, may take
// cfg.MaxHeaderBytes; the body is decoded when gzipped says the request
// asked for gzip (see withTransportHeaders) and cut at cfg.MaxBody.
func ReadResponse(r io.Reader, req *http.Request, gzipped bool, cfg Config) (*Response, error) {
	cfg = cfg.withDefaults()
	lim := &headerLimiter{r: r, n: cfg.MaxHeaderBytes, limit: cfg.MaxHeaderBytes}
	br := bufio.NewReader(lim)
	var resp *http.Response
	for n := 0; ; n++ {
		var err error
		resp, err = http.ReadResponse(br, req)
		if err != nil && lim.n <= 0 { // whatever the parser made of the cut
			return nil, fmt.Errorf("read response: more than %d bytes: %w", lim.limit, ErrHeaderTooLarge)
		}
		if err != nil {
			return nil, fmt.Errorf("read response: %w", err)
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close()
		if n+1 >= maxInformational {
			return nil, fmt.Errorf("read response: more than %d informational (1xx) responses, no final one", maxInformational)
		}
	}
	lim.body = true
	// resp.Body is not closed: closing an unfinished response body reads
	// the rest of it, which may never end. The caller closes the connection.
	hasBody := req.Method != http.MethodHead && resp.ContentLength != 0
	body, truncated, err := readBody(resp.Body, hasBody && isGzipped(gzipped, resp.Header), cfg.MaxBody)
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated}, nil
}
