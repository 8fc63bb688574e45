package probes

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/openapi"
)

// Defaults of Config, documented here so the CLI flags and the library agree.
const (
	// DefaultConcurrency is how many copies the concurrent probe releases at once.
	DefaultConcurrency = 10
	// DefaultRounds is how many rounds the concurrent probe repeats.
	DefaultRounds = 3
	// DefaultParallel is how many operations are probed at once.
	DefaultParallel = 4
	// DefaultTimeout bounds every single request.
	DefaultTimeout = 10 * time.Second
	// DefaultReplays is how many times the replay probe repeats the request.
	DefaultReplays = 2
	// MaxBody caps how much of a response body is read.
	MaxBody = 1 << 20
)

// Config is the settings of a run: what the probes are pointed at and how
// hard they push. A zero field means its default (WithDefaults, the one
// place defaults are applied), so Config{BaseURL: …} is a default run;
// Validate names the field a run cannot use (config_validate.go). What a
// run learns as it goes is not here but in the run it starts (run.go).
type Config struct {
	BaseURL string
	// Header is added to every request (the user's -H flags); its values are
	// redacted in evidence.
	Header http.Header
	// Client sends the requests that go through net/http; nil means a
	// client that never follows redirects, with TLS.
	Client *http.Client
	// TLS is the client TLS configuration (wire.TLSOptions.Config: private
	// roots, client certificate, --insecure) of the default Client and of
	// every raw connection; nil means Go's defaults, or the TLS settings of
	// a Client the caller supplied.
	TLS *tls.Config
	// Timeout bounds every single request (DefaultTimeout).
	Timeout time.Duration
	// Concurrency, Rounds and Parallel are the copies concurrent releases
	// at once, its measured rounds, and the operations probed at once
	// (DefaultConcurrency, DefaultRounds, DefaultParallel); each between 1
	// and 1000.
	Concurrency int
	Rounds      int
	Parallel    int
	// IgnoreFields are JSON pointers into response bodies whose values are
	// volatile (timestamps, request ids) and left out of comparisons.
	IgnoreFields []string
	// NewKey makes a fresh idempotency key; nil means random keys.
	NewKey func() string

	// RaceMode is how the concurrent probe releases its copies
	// (DefaultRaceMode when empty); see release.go.
	RaceMode RaceMode
	// RaceBudget bounds the concurrent probe's rounds per operation, in
	// rounds or in time (DefaultRaceBudget when zero); see
	// concurrent_budget.go.
	RaceBudget RaceBudget
	// QuickCopies is the copies of each of concurrent's quick rounds
	// (DefaultQuickCopies when zero; at most Concurrency).
	QuickCopies int

	// Rate, when positive, caps the run's requests per second (--rate),
	// across every operation and sender.
	Rate float64

	// OtherHeader names a second principal (--other-header): its headers
	// replace the same-named ones of Header in cross-principal's requests
	// as principal B. Empty means the probe is skipped.
	OtherHeader http.Header
	// Profile sets the expectations that differ between providers
	// (profile.go) for the whole run; nil means DefaultProfile. A target's
	// own Profile wins over it.
	Profile *Profile

	// Planned, when set, are all the planned targets of which a run is
	// given a subset (a shard, see ShardTargets): probes that need another
	// operation (mismatch-target) look for it there, so a shard reaches
	// the verdicts the whole run would. Nil means the targets run.
	Planned []Target

	// Progress, when set, is called once per operation whose probes all
	// ran, with their results in the order of the probes (report.Progress
	// prints them). It is called from the workers, concurrently.
	Progress func(op *openapi.Operation, results []Result)
}

// WithDefaults returns c with every zero (or negative) field that has a
// default set to it: the one place defaults are applied. Run and the
// other entry points apply them themselves.
func (c Config) WithDefaults() Config {
	if c.Client == nil {
		c.Client = defaultClient(c.TLS)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Rounds <= 0 {
		c.Rounds = DefaultRounds
	}
	if c.Parallel <= 0 {
		c.Parallel = DefaultParallel
	}
	if c.NewKey == nil {
		c.NewKey = randomKey
	}
	if c.RaceMode == "" {
		c.RaceMode = DefaultRaceMode
	}
	c.RaceBudget = c.RaceBudget.OrDefault()
	if c.QuickCopies <= 0 {
		c.QuickCopies = DefaultQuickCopies
	}
	return c
}

// defaultClient is the Client of a Config that names none.
func defaultClient(tc *tls.Config) *http.Client {
	return &http.Client{
		// Never follow redirects: a 3xx is a response to judge, and
		// following it could leave the base URL the user named.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			MaxIdleConnsPerHost:    64,
			Proxy:                  nil,
			TLSClientConfig:        tc,
			ForceAttemptHTTP2:      true,                       // a custom TLSClientConfig would otherwise turn HTTP/2 off
			MaxResponseHeaderBytes: wire.DefaultMaxHeaderBytes, // the raw paths' limit too
		},
	}
}

// randomKey returns a fresh key that says where it came from.
func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "idemcheck-" + hex.EncodeToString(b[:])
}
