package wire

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// Bounds every hostile-server test asserts. That the client stopped by
// itself, not because its time was up, each test shows by the outcome it
// expects (a named error, a cut body), never by a wall-clock threshold
// that a loaded machine could break: hardLimit is only the hard bound.
const (
	hostileTimeout = 20 * time.Second
	hardLimit      = 2 * hostileTimeout
	// maxPeakHeap is four times and more what the tests measure (5 copies
	// of at most MaxBody each); the unbounded reads grew by 400 MB/s.
	maxPeakHeap = 64 << 20
)

var hostileCfg = Config{Timeout: hostileTimeout}

// requests are n POSTs with a small JSON body to base.
func requests(t *testing.T, base string, n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = mustRequest(t, "POST", base+"/v1/payments", `{"amount":1}`)
	}
	return reqs
}

// bounded runs f and fails the test if it took longer than limit or the
// live heap peaked above maxPeakHeap while it ran.
func bounded(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	peak, took := wiretest.PeakHeap(f)
	t.Logf("took %s, peak heap +%.1f MiB", took.Round(time.Millisecond), float64(peak)/(1<<20))
	if took > limit {
		t.Errorf("took %s, want under %s", took, limit)
	}
	if peak > maxPeakHeap {
		t.Errorf("peak heap +%d MiB, want under %d MiB", peak>>20, maxPeakHeap>>20)
	}
}

// wantErrors fails unless every outcome is an error containing want and
// none carries a response.
func wantErrors(t *testing.T, outs []Outcome, want string) {
	t.Helper()
	for i, o := range outs {
		if o.Response != nil || o.Err == nil || !strings.Contains(o.Err.Error(), want) {
			t.Errorf("copy %d: response %v, error %v; want no response and an error with %q", i+1, o.Response != nil, o.Err, want)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestReleasesEndWithTheContext: a server that reads everything and never
// answers is left when the context ends, on both raw releases.
func TestReleasesEndWithTheContext(t *testing.T) {
	silent := wiretest.Listen(t, func(c net.Conn) { io.Copy(io.Discard, c) }) //nolint:errcheck // ends with the connection
	h2silent := wiretest.Listen(t, wiretest.H2Server{Respond: func(*http2.Framer, uint32) {}}.Serve)
	for name, release := range map[string]func(context.Context) []Outcome{
		"last-byte": func(ctx context.Context) []Outcome { return ReleaseLastByte(ctx, hostileCfg, requests(t, silent, 3)) },
		"h2": func(ctx context.Context) []Outcome {
			return ReleaseH2(ctx, hostileCfg, requests(t, h2silent, 3)).Outcomes
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			bounded(t, hardLimit, func() { wantErrors(t, release(ctx), "no response within") })
		})
	}
}
