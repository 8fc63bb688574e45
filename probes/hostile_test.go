package probes

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
	"github.com/idemcheck/idemcheck/openapi"
)

// Bounds of the hostile-server tests. That a probe stopped by itself, not
// because a request's time was up, boundedRun shows by finding no timeout
// in the result, not by a wall-clock threshold a loaded machine could
// break: hostileLimit is only the hard bound.
const (
	hostileTimeout = 20 * time.Second
	hostileLimit   = 2 * time.Minute
	// hostileHeap is what 10 copies of MaxBody-sized bodies, their
	// evidence and the buffers behind them may take, with room; the
	// unbounded reads grew by 400 MB/s.
	hostileHeap = 128 << 20
)

// timeoutWords are how a timed-out request shows in a result.
// "(--timeout)" ends every timeout that wire.Explain words.
var timeoutWords = []string{"no response within", "deadline exceeded", "Client.Timeout", "i/o timeout", "(--timeout)"}

// boundedRun runs probe p once on createPayment against base and fails
// the test if a request timed out, it took longer than hostileLimit or the
// heap peaked above hostileHeap meanwhile.
func boundedRun(t *testing.T, p Probe, base string, env Config, settle ...func(*Target)) Result {
	t.Helper()
	env.BaseURL, env.Timeout = base, hostileTimeout
	targets := DefaultTargets([]openapi.Operation{createPayment()})
	for _, f := range settle {
		f(&targets[0])
	}
	var rs []Result
	peak, took := wiretest.PeakHeap(func() {
		rs = RunTargets(context.Background(), targets, []Probe{p}, env)
	})
	t.Logf("%s: %s (%s); took %s, peak heap +%.1f MiB", p.Meta(nil).ID, rs[0].Verdict, rs[0].Reason, took.Round(time.Millisecond), float64(peak)/(1<<20))
	if took > hostileLimit {
		t.Errorf("took %s, want under %s", took, hostileLimit)
	}
	text := []string{rs[0].Reason}
	for _, ex := range rs[0].Evidence {
		text = append(text, ex.Err)
	}
	for _, w := range timeoutWords {
		if strings.Contains(strings.Join(text, "\n"), w) {
			t.Errorf("a request timed out (%q): the client did not stop by itself", w)
		}
	}
	if peak > hostileHeap {
		t.Errorf("peak heap +%d MiB, want under %d MiB", peak>>20, hostileHeap>>20)
	}
	return rs[0]
}

// wantVerdict fails unless r has verdict v and a reason containing want.
func wantVerdict(t *testing.T, r Result, v Verdict, want string) {
	t.Helper()
	if r.Verdict != v || !strings.Contains(r.Reason, want) {
		t.Errorf("verdict %s (%s), want %s with %q\n%s", r.Verdict, r.Reason, v, want, strings.Join(r.Diffs, "\n"))
	}
}

// TestH2MaxFrameSizeZeroIsAnError: the API is correct over HTTP/1.1, but
// its HTTP/2 side announces SETTINGS_MAX_FRAME_SIZE = 0, which used to send
// the h2 release into an endless loop (400 MB/s, --timeout ignored). The
// concurrent probe now errs at once, naming the setting.
func TestH2MaxFrameSizeZeroIsAnError(t *testing.T) {
	h2 := wiretest.H2Server{Settings: []http2.Setting{{ID: http2.SettingMaxFrameSize, Val: 0}}}
	base := wiretest.SplitH2(t, payments.New(payments.Options{}), h2.Serve)
	r := boundedRun(t, concurrentProbe{}, base, Config{RaceMode: RaceH2})
	wantVerdict(t, r, Error, "invalid HTTP/2 setting MAX_FRAME_SIZE = 0")
	// auto refuses such a target's HTTP/2 and releases with last-byte.
	r = boundedRun(t, concurrentProbe{}, base, Config{RaceMode: RaceAuto})
	wantVerdict(t, r, Pass, "rounds of 10 (last-byte)")
	if !strings.Contains(roundLines(r), "invalid HTTP/2 setting MAX_FRAME_SIZE = 0") {
		t.Errorf("auto does not say why it left h2:\n%s", roundLines(r))
	}
}

// endlessHeaderAfterFirst answers the first POST with the correct API and
// every later one with a response header that never ends.
func endlessHeaderAfterFirst(h http.Handler) http.Handler {
	var posts atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || posts.Add(1) == 1 {
			h.ServeHTTP(w, r)
			return
		}
		io.Copy(io.Discard, r.Body) //nolint:errcheck // read the request before hijacking
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "HTTP/1.1 201 Created\r\nX-Endless: ") //nolint:errcheck // the client hangs up
		wiretest.Endless(c, bytes.Repeat([]byte("e"), 32<<10))
	})
}

// TestEndlessResponseHeaderIsAnError: a response header that never ends
// (it reached 7.6 GB in 34 s) is an error on the raw path and on net/http.
func TestEndlessResponseHeaderIsAnError(t *testing.T) {
	for _, tt := range []struct {
		probe Probe
		mode  RaceMode
		want  string
	}{
		// The round's copies fail on the raw path ("more than 1048576
		// bytes: response header too large"), its retry on net/http.
		{concurrentProbe{}, RaceLastByte, "1048576 bytes"},
		{replayProbe{}, "", "headers exceeded 1048576 bytes"},
	} {
		t.Run(tt.probe.Meta(nil).ID, func(t *testing.T) {
			srv := httptest.NewServer(endlessHeaderAfterFirst(payments.New(payments.Options{})))
			defer srv.Close()
			r := boundedRun(t, tt.probe, srv.URL, Config{RaceMode: tt.mode})
			wantVerdict(t, r, Error, "")
			errs := []string{r.Reason}
			for _, ex := range r.Evidence {
				errs = append(errs, ex.Err)
			}
			if !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Errorf("no exchange failed with %q:\n%s", tt.want, strings.Join(errs, "\n"))
			}
		})
	}
}

// unobserved takes a target's observer away: the endless list would be read too.
func unobserved(t *Target) { t.Observer = nil }

// TestHugeBodyIsCutAndSaidSo: an endless response body is read up to
// MaxBody on every path, and the evidence says it was cut.
func TestHugeBodyIsCutAndSaidSo(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) //nolint:errcheck
		w.WriteHeader(http.StatusCreated)
		wiretest.EndlessBody(r.Context(), w)
	})
	for _, tt := range []struct {
		probe Probe
		mode  RaceMode
	}{{replayProbe{}, ""}, {concurrentProbe{}, RaceLastByte}, {concurrentProbe{}, RaceH2}} {
		t.Run(tt.probe.Meta(nil).ID+"/"+string(tt.mode), func(t *testing.T) {
			srv := serveH2C(t, h)
			// The measured rounds and one quick round: every path that reads
			// a body once; the default budget's 71 quick rounds of endless
			// bodies only repeat it (17 s under -race).
			r := boundedRun(t, tt.probe, srv.URL, Config{RaceMode: tt.mode, RaceBudget: RaceBudget{Rounds: DefaultRounds + 1}}, unobserved)
			if r.Verdict == Fail {
				t.Errorf("a false alarm: %s", r.Reason)
			}
			cut := 0
			for _, ex := range r.Evidence {
				if ex.Response != nil && ex.Response.BodyTruncated && len(ex.Response.Body) == MaxBody {
					cut++
				}
			}
			if cut == 0 {
				t.Errorf("no evidence says the body was cut at %d bytes", MaxBody)
			}
		})
	}
}

// gzipAlways compresses every response, asked for or not (RFC 9110
// §12.5.3 allows it).
func gzipAlways(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		h.ServeHTTP(&gzipWriter{ResponseWriter: w, w: zw}, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	w io.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.Header().Del("Content-Length")
	return g.w.Write(b)
}

// TestCompressingServerIsNoFalseAlarm: a correct API that compresses every
// body passes the probes that compare raw and net/http replies; the raw
// paths used to ask for no gzip and decode none, and failed it as
// processed more than once.
func TestCompressingServerIsNoFalseAlarm(t *testing.T) {
	for _, tt := range []struct {
		probe Probe
		mode  RaceMode
	}{
		{replayProbe{}, ""},
		{concurrentProbe{}, RaceH2},
		{concurrentProbe{}, RaceLastByte},
		{concurrentProbe{}, RaceNaive},
		{retryAfterDropProbe{}, ""},
	} {
		t.Run(tt.probe.Meta(nil).ID+"/"+string(tt.mode), func(t *testing.T) {
			srv := serveH2C(t, gzipAlways(payments.New(payments.Options{})))
			r := boundedRun(t, tt.probe, srv.URL, Config{RaceMode: tt.mode})
			wantVerdict(t, r, Pass, "")
		})
	}
}

// TestTLSFromEnvOnEveryPath: Config.TLS (a private CA and a client
// certificate, as --cacert, --client-cert and --client-key give it) serves
// net/http and every raw path; without it every probe errs, none passes
// or fails.
func TestTLSFromEnvOnEveryPath(t *testing.T) {
	pki := wiretest.NewPKI(t)
	srv := httptest.NewUnstartedServer(payments.New(payments.Options{}))
	srv.TLS = pki.ServerTLS.Clone()
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = discardLog()
	srv.StartTLS()
	defer srv.Close()
	tlsCfg, err := wire.TLSOptions{CAFile: pki.CAFile, CertFile: pki.ClientCertFile, KeyFile: pki.ClientKeyFile}.Config()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		probe Probe
		mode  RaceMode
		want  string
	}{
		{replayProbe{}, "", ""},
		{concurrentProbe{}, RaceAuto, "rounds of 10 (h2)"},
		{concurrentProbe{}, RaceLastByte, "rounds of 10 (last-byte)"},
		{retryAfterDropProbe{}, "", ""},
	} {
		t.Run(tt.probe.Meta(nil).ID+"/"+string(tt.mode), func(t *testing.T) {
			wantVerdict(t, boundedRun(t, tt.probe, srv.URL, Config{RaceMode: tt.mode, TLS: tlsCfg}), Pass, tt.want)
			wantVerdict(t, boundedRun(t, tt.probe, srv.URL, Config{RaceMode: tt.mode}), Error, "")
		})
	}
}

// discardLog silences a server's log of the handshakes it refuses.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
