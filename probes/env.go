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

// Defaults for Env, documented here so the CLI flags and the library agree.
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

// Env is everything the probes need to know about the target.
type Env struct {
	BaseURL string
	// Header is added to every request (the user's -H flags); its values are
	// redacted in evidence.
	Header http.Header
	Client *http.Client
	// TLS is the client TLS configuration (wire.TLSOptions.Config: private
	// roots, client certificate, --insecure) of the default Client and of
	// every raw connection; nil means Go's defaults, or the TLS settings of
	// a Client the caller supplied.
	TLS         *tls.Config
	Timeout     time.Duration
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

	autoModes *autoModes // RaceAuto's decision per base URL, for one run

	// Rate, when positive, caps the run's requests per second (--rate),
	// across every operation and sender; limit enforces it for one run.
	Rate  float64
	limit *limiter

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

	// targets are every planned operation and its settings (Planned, else
	// those RunTargets runs), for the probes that need another target;
	// exclusive holds off the probes they would disturb (exclusive.go).
	targets   []Target
	observers map[opKey]Observer // targets' observers by operation (setTargets)
	exclusive *runLocks
	// reads is what the run learnt about each observer's reads
	// (observe_quick.go).
	reads *readKnowledge
}

// withDefaults returns a copy of e with zero values replaced by defaults.
func (e Env) withDefaults() *Env {
	if e.Client == nil {
		e.Client = &http.Client{
			// Never follow redirects: a 3xx is a response to judge, and
			// following it could leave the base URL the user named.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{
				MaxIdleConnsPerHost:    64,
				Proxy:                  nil,
				TLSClientConfig:        e.TLS,
				ForceAttemptHTTP2:      true,                       // a custom TLSClientConfig would otherwise turn HTTP/2 off
				MaxResponseHeaderBytes: wire.DefaultMaxHeaderBytes, // the raw paths' limit too
			},
		}
	}
	if e.Timeout <= 0 {
		e.Timeout = DefaultTimeout
	}
	if e.Concurrency <= 0 {
		e.Concurrency = DefaultConcurrency
	}
	if e.Rounds <= 0 {
		e.Rounds = DefaultRounds
	}
	if e.Parallel <= 0 {
		e.Parallel = DefaultParallel
	}
	if e.NewKey == nil {
		e.NewKey = randomKey
	}
	if e.RaceMode == "" {
		e.RaceMode = DefaultRaceMode
	}
	e.limit = newLimiter(e.Rate)
	e.autoModes = &autoModes{} // a fresh decision per run
	e.exclusive = &runLocks{}  // one per run, like autoModes
	e.reads = &readKnowledge{}
	return &e
}

// randomKey returns a fresh key that says where it came from.
func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "idemcheck-" + hex.EncodeToString(b[:])
}
