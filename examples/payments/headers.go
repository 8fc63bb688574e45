package payments

import (
	"net"
	"net/http"
)

// DefaultHeaderLimit is Node.js's limit on a request's header block
// (--max-http-header-size, 16 KiB), for Options.HeaderLimit.
const DefaultHeaderLimit = 16 << 10

// headerSize approximates the size of r's header block on the wire.
func headerSize(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for name, vs := range r.Header {
		for _, v := range vs {
			n += len(name) + len(v) + 4
		}
	}
	return n
}

// refuseOversize answers a request whose header block is over the limit the
// way Node.js does: 431 Request Header Fields Too Large, then the
// connection is reset (closed with SO_LINGER 0), so the client may read the
// answer or only the reset. Correct behaviour, not a flaw.
func refuseOversize(w http.ResponseWriter) {
	const answer = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2: no connection of its own to reset
		w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString(answer)
	_ = buf.Flush() // the client may be gone; the reset follows anyway
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
