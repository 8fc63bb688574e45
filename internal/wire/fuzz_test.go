package wire

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/http2"
)

// fuzzCfg has small limits, so that fuzzing reaches them.
var fuzzCfg = Config{MaxBody: 64, MaxHeaderBytes: 512}.withDefaults()

// FuzzH2Frames feeds a server's side of an HTTP/2 connection to the client:
// the handshake, then two streams through the frame reader (readLoop). No
// input may panic, hang, read past the connection's budget or yield a body
// over MaxBody.
func FuzzH2Frames(f *testing.F) {
	for _, seed := range h2Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		c := newH2Conn(scriptConn{bytes.NewReader(script)}, fuzzCfg)
		if err := c.handshake(context.Background()); err != nil {
			return
		}
		reqs := []*http.Request{mustRequest(t, "POST", "http://x/a", "{}"), mustRequest(t, "GET", "http://x/b", "")}
		payloads := [][]byte{[]byte("{}"), nil}
		streams, inc, err := c.openBatch(reqs, payloads)
		if err != nil {
			return
		}
		if err := c.sendPrefixes(streams, inc, reqs[:len(streams)], payloads[:len(streams)]); err != nil {
			t.Fatalf("sendPrefixes: %v", err)
		}
		c.readLoop() // returns at the end of the script at the latest
		for _, s := range streams {
			if !s.ended {
				t.Fatalf("stream %d not ended after the connection ended", s.id)
			}
			if s.resp != nil && (len(s.resp.Body) > fuzzCfg.MaxBody || s.resp.Truncated && len(s.resp.Body) > fuzzCfg.MaxBody) {
				t.Fatalf("stream %d: body of %d bytes, cap %d", s.id, len(s.resp.Body), fuzzCfg.MaxBody)
			}
		}
		if c.budget.left < 0 {
			t.Fatalf("read past the budget: %d", c.budget.left)
		}
	})
}

// FuzzReadResponse feeds a server's HTTP/1.1 answer to ReadResponse, with
// and without gzip asked for.
func FuzzReadResponse(f *testing.F) {
	for _, seed := range http1Seeds() {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, answer []byte, gz bool) {
		req := mustRequest(t, "POST", "http://x/a", "{}")
		r, err := ReadResponse(bytes.NewReader(answer), req, gz, fuzzCfg)
		if err != nil {
			if r != nil {
				t.Fatalf("a response and an error: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of several lines: %q", err)
			}
			return
		}
		if len(r.Body) > fuzzCfg.MaxBody || (r.Truncated && len(r.Body) != fuzzCfg.MaxBody) {
			t.Fatalf("body of %d bytes (truncated %v), cap %d", len(r.Body), r.Truncated, fuzzCfg.MaxBody)
		}
		// Like net/http, any three digits but a 1xx other than 101 are final.
		if r.Status < 0 || r.Status > 999 || (r.Status >= 100 && r.Status < 200 && r.Status != http.StatusSwitchingProtocols) {
			t.Fatalf("status %d taken for the final response", r.Status)
		}
	})
}

func mustRequest(t testing.TB, method, url, body string) *http.Request {
	t.Helper()
	var req *http.Request
	var err error
	if body == "" {
		req, err = http.NewRequest(method, url, http.NoBody)
	} else {
		req, err = http.NewRequest(method, url, strings.NewReader(body))
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// h2Seeds are server scripts: correct ones and each misbehaviour the tests name.
func h2Seeds() [][]byte {
	long := bytes.Repeat([]byte("a"), 200)
	cont := handshake()
	cont.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: cont.block(":status", "200")}) //nolint:errcheck
	for range 50 {
		cont.fr.WriteContinuation(1, false, nil) //nolint:errcheck
	}
	return [][]byte{
		handshake().headers(1, false, ":status", "201", "content-type", "application/json").data(1, true, []byte(`{"id":1}`)).headers(3, true, ":status", "204").bytes(),
		newServerFrames().settings(http2.Setting{ID: http2.SettingMaxFrameSize, Val: 0}).settingsAck().pingAck().bytes(),
		newServerFrames().settings(http2.Setting{ID: http2.SettingEnablePush, Val: 1}).pingAck().bytes(),
		newServerFrames().settings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31}).pingAck().bytes(),
		handshake().headers(1, false, ":status", "200", "content-encoding", "gzip").data(1, true, gzipped(long)).bytes(),
		handshake().headers(1, false, ":status", "103", "link", "</a>").headers(1, false, ":status", "200").data(1, false, long).data(1, true, long).bytes(),
		handshake().headers(1, false, ":status", "200", "x-big", strings.Repeat("h", 600)).bytes(),
		cont.bytes(),
		handshake().headers(1, false, ":status", "200").data(1, false, []byte("x")).headers(1, true, "trailer", "t").bytes(),
		func() []byte {
			s := handshake()
			s.fr.WriteRSTStream(1, http2.ErrCodeRefusedStream) //nolint:errcheck
			s.fr.WriteGoAway(1, http2.ErrCodeNo, nil)          //nolint:errcheck
			s.fr.WriteWindowUpdate(0, 1<<31-1)                 //nolint:errcheck
			return s.bytes()
		}(),
		handshake().data(5, true, []byte("x")).bytes(),
	}
}

// http1Seeds are HTTP/1.1 answers, correct and misbehaving.
func http1Seeds() [][]byte {
	return [][]byte{
		[]byte("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"id\":1}"),
		[]byte("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
		[]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n"),
		append([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"), gzipped(bytes.Repeat([]byte("z"), 500))...),
		[]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\r\nX-Endless: " + strings.Repeat("e", 2000)),
		[]byte("HTTP/1.1 200 OK\r\n\r\n" + strings.Repeat("b", 300)),
		[]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
		[]byte("HTTP/1.0 999 Odd\r\n\r\n"),
	}
}
