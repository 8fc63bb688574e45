package probes

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// serveH2C serves h on loopback speaking HTTP/1.1 and h2c with prior
// knowledge, like the example servers.
func serveH2C(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// serveTLS serves h over TLS offering ALPN h2 and http/1.1.
func serveTLS(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// serveHTTP1 serves h speaking HTTP/1.1 only.
func serveHTTP1(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// raceEnv is the environment of a concurrent probe run on srv in mode.
func raceEnv(t *testing.T, srv *httptest.Server, mode RaceMode) Env {
	env := Env{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer s3cret-" + t.Name()}}, RaceMode: mode, Timeout: 10 * time.Second}
	if srv.TLS != nil {
		env.Client = srv.Client() // trusts the test certificate
	}
	return env
}

// concurrentResult runs the concurrent probe once on createPayment.
func concurrentResult(t *testing.T, srv *httptest.Server, mode RaceMode) Result {
	t.Helper()
	rs := Run(context.Background(), []openapi.Operation{createPayment()}, []Probe{concurrentProbe{}}, raceEnv(t, srv, mode))
	if len(rs) != 1 {
		t.Fatalf("%d results, want 1", len(rs))
	}
	return rs[0]
}

// roundLines returns the round summaries of a concurrent result.
func roundLines(r Result) string {
	for _, d := range r.Diffs {
		if strings.HasPrefix(d, "rounds:") {
			return d
		}
	}
	return ""
}

func TestReleaseModesPassACorrectServer(t *testing.T) {
	servers := []struct {
		name  string
		start func(*testing.T, http.Handler) *httptest.Server
		auto  RaceMode // what auto must choose
	}{
		{"h2c", serveH2C, RaceH2},
		{"tls", serveTLS, RaceH2},
		{"http1", serveHTTP1, RaceLastByte},
	}
	for _, s := range servers {
		for _, mode := range RaceModes() {
			if mode == RaceH2 && s.auto != RaceH2 {
				continue // TestH2OnAnHTTP1OnlyTargetIsAnError
			}
			t.Run(s.name+"/"+string(mode), func(t *testing.T) {
				srv := s.start(t, payments.New(payments.Options{}))
				r := concurrentResult(t, srv, mode)
				if r.Verdict != Pass {
					t.Fatalf("verdict %s: %s\n%s", r.Verdict, r.Reason, strings.Join(r.Diffs, "\n"))
				}
				want := mode
				if mode == RaceAuto {
					want = s.auto
					if !strings.Contains(roundLines(r), "release: auto chose "+string(want)) {
						t.Errorf("the rounds do not say what auto chose:\n%s", roundLines(r))
					}
				}
				if got := strings.Count(roundLines(r), "("+string(want)+", send spread "); got != DefaultRounds {
					t.Errorf("%d round lines name mode %s, want %d:\n%s", got, want, DefaultRounds, roundLines(r))
				}
				if !strings.Contains(r.Reason, fmt.Sprintf("%d rounds of 10 (%s)", DefaultRounds, want)) {
					t.Errorf("reason %q does not name the release", r.Reason)
				}
				copies := 0
				for _, ex := range r.Evidence {
					if strings.Contains(ex.Label, " copy ") {
						copies++
						if ex.Response == nil || ex.Request.Method != http.MethodPost {
							t.Errorf("copy evidence %+v lacks its request or response", ex)
						}
					}
					for _, v := range ex.Request.Header["Authorization"] {
						if v != "[redacted]" {
							t.Errorf("%s: Authorization %q not redacted", ex.Label, v)
						}
					}
				}
				if copies == 0 {
					t.Error("no copy kept as evidence")
				}
			})
		}
	}
}

func TestH2OnAnHTTP1OnlyTargetIsAnError(t *testing.T) {
	srv := serveHTTP1(t, payments.New(payments.Options{}))
	r := concurrentResult(t, srv, RaceH2)
	if r.Verdict != Error || !strings.Contains(r.Reason, "does not speak HTTP/2") {
		t.Errorf("got %s %q, want an error saying the target does not speak HTTP/2", r.Verdict, r.Reason)
	}
}

// TestCheckThenActAt500usIsCaught: the synchronized releases catch a 500µs
// check-then-act race, over h2c, TLS and plain HTTP/1.1. bench/race
// measures the rate; here one detection in three runs is enough not to
// flake on a loaded machine, and none would mean the release is broken.
func TestCheckThenActAt500usIsCaught(t *testing.T) {
	cases := []struct {
		name  string
		start func(*testing.T, http.Handler) *httptest.Server
		mode  RaceMode
	}{
		{"h2c/h2", serveH2C, RaceH2},
		{"h2c/last-byte", serveH2C, RaceLastByte},
		{"tls/h2", serveTLS, RaceH2},
		{"tls/last-byte", serveTLS, RaceLastByte},
		{"http1/auto", serveHTTP1, RaceAuto},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var verdicts []Verdict
			for range 3 {
				srv := c.start(t, payments.New(payments.Options{Flaw: payments.FlawRace, RaceWindow: 500 * time.Microsecond}))
				r := concurrentResult(t, srv, c.mode)
				verdicts = append(verdicts, r.Verdict)
				if r.Verdict == Fail {
					if len(r.Evidence) == 0 || !strings.Contains(r.Reason, "rounds of 10 (") {
						t.Errorf("a failure without evidence or round count: %s", r.Reason)
					}
					return
				}
				srv.Close()
			}
			t.Errorf("verdicts %v: the race was never caught", verdicts)
		})
	}
}

// TestNoFalseAlarmsUnderJitter: the correct server and the one that makes
// in-flight duplicates wait, both with latency jitter, pass every run in
// every mode. A release that reordered or dropped copies would show here.
func TestNoFalseAlarmsUnderJitter(t *testing.T) {
	runs := 20
	if testing.Short() {
		runs = 4
	}
	servers := map[string]payments.Options{
		"correct": {Latency: 2 * time.Millisecond},
		"waiting": {Latency: 2 * time.Millisecond, InFlight: payments.InFlightWait},
	}
	for name, opts := range servers {
		for _, mode := range RaceModes() {
			t.Run(name+"/"+string(mode), func(t *testing.T) {
				t.Parallel()
				for i := range runs {
					srv := serveH2C(t, payments.New(opts))
					r := concurrentResult(t, srv, mode)
					srv.Close()
					if r.Verdict != Pass {
						t.Fatalf("run %d: verdict %s: %s\n%s", i+1, r.Verdict, r.Reason, roundLines(r))
					}
				}
			})
		}
	}
}

func TestH2BatchesWhenStreamsAreLimited(t *testing.T) {
	srv := httptest.NewUnstartedServer(payments.New(payments.Options{}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 3}
	srv.Start()
	defer srv.Close()
	r := concurrentResult(t, srv, RaceH2)
	if r.Verdict != Pass {
		t.Fatalf("verdict %s: %s", r.Verdict, r.Reason)
	}
	if want := "the server allows 3 concurrent HTTP/2 streams, so the 10 copies went in batches of 3+3+3+1"; !strings.Contains(roundLines(r), want) {
		t.Errorf("rounds do not say %q:\n%s", want, roundLines(r))
	}
}

// TestReleaseWithoutBody: a request without a body has no last body byte;
// last-byte holds back the end of its header block, h2 an empty final DATA
// frame. Every copy must arrive whole, exactly once.
func TestReleaseWithoutBody(t *testing.T) {
	for _, rel := range []releaser{lastByteReleaser{}, h2Releaser{}, naiveReleaser{}} {
		t.Run(string(rel.mode()), func(t *testing.T) {
			var hits atomic.Int64
			srv := serveH2C(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("X-Proto", r.Proto)
				w.Write([]byte(r.Method + " " + r.URL.RequestURI())) //nolint:errcheck
			}))
			env := raceEnv(t, srv, rel.mode()).withDefaults()
			x := NewExperiment(env, &openapi.Operation{})
			reqs := make([]*http.Request, 5)
			for i := range reqs {
				reqs[i], _ = http.NewRequest(http.MethodPost, srv.URL+"/things?x=1", http.NoBody)
			}
			v := rel.release(context.Background(), x, "t", reqs)
			var got []string
			for i, r := range v.replies {
				if v.errs[i] != nil {
					t.Fatalf("copy %d: %v", i+1, v.errs[i])
				}
				got = append(got, r.Header.Get("X-Proto")+" "+string(r.Body))
			}
			proto := "HTTP/1.1"
			if rel.mode() == RaceH2 {
				proto = "HTTP/2.0"
			}
			want := []string{proto + " POST /things?x=1", proto + " POST /things?x=1", proto + " POST /things?x=1", proto + " POST /things?x=1", proto + " POST /things?x=1"}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("replies (-want +got):\n%s", d)
			}
			if hits.Load() != 5 {
				t.Errorf("server saw %d requests, want 5", hits.Load())
			}
			if v.spread() < 0 {
				t.Errorf("negative spread %s", v.spread())
			}
		})
	}
}

// TestAutoDecidesOncePerRun: auto asks the target once per run, however
// many rounds and operations use it.
func TestAutoDecidesOncePerRun(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start() // HTTP/1.1 only: auto falls back to last-byte
	defer srv.Close()
	env := Env{BaseURL: srv.URL}.withDefaults()
	for range 3 {
		if d := resolveAuto(context.Background(), env); d.mode != RaceLastByte {
			t.Fatalf("auto chose %s (%s), want last-byte", d.mode, d.why)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections to decide, want 1", n)
	}
}

func TestParseRaceMode(t *testing.T) {
	for _, m := range RaceModes() {
		if got, err := ParseRaceMode(string(m)); err != nil || got != m {
			t.Errorf("ParseRaceMode(%q) = %q, %v", m, got, err)
		}
	}
	for _, bad := range []string{"", "Auto", "h2c", "last_byte"} {
		if _, err := ParseRaceMode(bad); err == nil || !strings.Contains(err.Error(), "auto, last-byte, h2, naive") {
			t.Errorf("ParseRaceMode(%q): error %v, want one listing the modes", bad, err)
		}
	}
}

// TestRaceModeHelpNamesEveryMode: --race-mode's help is written from the
// table of modes, each named once, auto with what it picks.
func TestRaceModeHelpNamesEveryMode(t *testing.T) {
	help := RaceModeHelp()
	if want := "auto (h2 when the target speaks HTTP/2, else last-byte), last-byte, h2, naive"; help != want {
		t.Errorf("RaceModeHelp() = %q, want %q", help, want)
	}
	for _, m := range RaceModes() {
		if !strings.Contains(help, string(m)) {
			t.Errorf("the help does not name %s", m)
		}
	}
}

// TestUnknownRaceModeIsAnError (issue 26): a mode the table does not name
// is an error naming the known ones, not a silent last-byte release, and
// no copy of a round is sent.
func TestUnknownRaceModeIsAnError(t *testing.T) {
	var copies atomic.Int32
	api := payments.New(payments.Options{})
	srv := serveHTTP1(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			copies.Add(1)
		}
		api.ServeHTTP(w, r)
	}))
	r := concurrentResult(t, srv, "fast")
	if r.Verdict != Error || !strings.Contains(roundLines(r), `unknown race mode "fast" (want one of auto, last-byte, h2, naive)`) {
		t.Fatalf("verdict %s: %s\n%s", r.Verdict, r.Reason, strings.Join(r.Diffs, "\n"))
	}
	// The control and each round's retry after it go through net/http;
	// the rounds' copies never leave.
	if n := copies.Load(); n > 1+DefaultRounds {
		t.Errorf("%d POSTs, want at most the control and %d retries", n, DefaultRounds)
	}
}

func FuzzParseRaceMode(f *testing.F) {
	for _, s := range []string{"auto", "h2", "", "naive\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseRaceMode(s)
		if (err == nil) != (string(m) == s && s != "") {
			t.Errorf("ParseRaceMode(%q) = %q, %v", s, m, err)
		}
	})
}
