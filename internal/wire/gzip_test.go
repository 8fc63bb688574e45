package wire

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// gzipEverything compresses every response body, asked for or not (RFC
// 9110 §12.5.3 allows it), and records each request's Accept-Encoding.
type gzipEverything struct {
	mu   sync.Mutex
	seen []string
}

func (g *gzipEverything) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body) //nolint:errcheck // the body is not needed
	g.mu.Lock()
	g.seen = append(g.seen, r.Proto+" "+r.Header.Get("Accept-Encoding"))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusCreated)
	zw := gzip.NewWriter(w)
	io.WriteString(zw, `{"id":"pay_1","amount":1}`) //nolint:errcheck
	zw.Close()
}

// TestGzipLikeNetHTTP: every path asks for gzip as net/http does and
// decodes the answer the same way, so a compressing server's replies are
// equal whichever path read them.
func TestGzipLikeNetHTTP(t *testing.T) {
	g := &gzipEverything{}
	srv := httptest.NewUnstartedServer(g)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	defer srv.Close()

	resp, err := srv.Client().Do(mustRequest(t, "POST", srv.URL+"/v1/payments", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	ignore := cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Header" }, cmp.Ignore())
	if want.Header.Get("Content-Encoding") != "" || string(body) != `{"id":"pay_1","amount":1}` {
		t.Fatalf("net/http did not decode: %v %q", want.Header, body)
	}

	var outs []Outcome
	outs = append(outs, ReleaseLastByte(context.Background(), Config{}, requests(t, srv.URL, 3))...)
	outs = append(outs, ReleaseH2(context.Background(), Config{}, requests(t, srv.URL, 3)).Outcomes...)
	for i, o := range outs {
		if o.Err != nil {
			t.Fatalf("copy %d: %v", i+1, o.Err)
		}
		if d := cmp.Diff(want, o.Response, ignore); d != "" {
			t.Errorf("copy %d (-net/http +raw):\n%s", i+1, d)
		}
		for _, h := range []string{"Content-Encoding", "Content-Length", "Content-Type"} {
			if o.Response.Header.Get(h) != want.Header.Get(h) {
				t.Errorf("copy %d: %s %q, net/http has %q", i+1, h, o.Response.Header.Get(h), want.Header.Get(h))
			}
		}
	}
	if err := Drop(context.Background(), Config{}, mustRequest(t, "POST", srv.URL+"/v1/payments", `{}`), 0); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		g.mu.Lock()
		n := len(g.seen)
		g.mu.Unlock()
		if n == 8 {
			break
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	wantSeen := []string{"HTTP/1.1 gzip", "HTTP/1.1 gzip", "HTTP/1.1 gzip", "HTTP/1.1 gzip", "HTTP/2.0 gzip", "HTTP/2.0 gzip", "HTTP/2.0 gzip", "HTTP/1.1 gzip"}
	if d := cmp.Diff(wantSeen, g.seen); d != "" {
		t.Errorf("Accept-Encoding per request (-want +got):\n%s", d)
	}
}

// TestGzipNotAskedNotDecoded: a caller that names its own Accept-Encoding
// gets the body as sent, as with net/http.
func TestGzipNotAskedNotDecoded(t *testing.T) {
	srv := httptest.NewServer(&gzipEverything{})
	defer srv.Close()
	req := mustRequest(t, "POST", srv.URL+"/v1/payments", `{}`)
	req.Header.Set("Accept-Encoding", "identity")
	o := ReleaseLastByte(context.Background(), Config{}, []*http.Request{req})[0]
	if o.Err != nil || o.Response.Header.Get("Content-Encoding") != "gzip" || len(o.Response.Body) < 2 || o.Response.Body[0] != 0x1f {
		t.Errorf("got %v %v; want the gzip body as sent", o.Err, o.Response)
	}
}
