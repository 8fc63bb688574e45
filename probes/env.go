package probes

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

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
	Header      http.Header
	Client      *http.Client
	Timeout     time.Duration
	Concurrency int
	Rounds      int
	Parallel    int
	// IgnoreFields are JSON pointers into response bodies whose values are
	// volatile (timestamps, request ids) and left out of comparisons.
	IgnoreFields []string
	// Observer returns the side-effect observer for an operation, or nil.
	// Nil means the default: the collection list beside the operation.
	Observer func(op *openapi.Operation) Observer
	// NewKey makes a fresh idempotency key; nil means random keys.
	NewKey func() string

	// canary is the prefix unique to one experiment of the canaries its
	// requests carry at op.Canary, one per key (canary.go): NewExperiment
	// gives each experiment a copy of the Env with its own (observe.go).
	canary string
	// RaceMode is how the concurrent probe releases its copies
	// (DefaultRaceMode when empty); see release.go.
	RaceMode RaceMode

	autoModes *autoModes // RaceAuto's decision per base URL, for one run

	// OtherHeader names a second principal (--other-header): its headers
	// replace the same-named ones of Header in cross-principal's requests
	// as principal B. Empty means the probe is skipped.
	OtherHeader http.Header
	// Profile sets the expectations that differ between providers
	// (profile.go); nil means DefaultProfile.
	Profile *Profile
	// ProfileFor, when set, returns one operation's expectations (the
	// configuration file's per-operation overrides); nil falls back to Profile.
	ProfileFor func(op *openapi.Operation) *Profile

	// Progress, when set, is called once per operation whose probes all
	// ran, with their results in the order of the probes (report.Progress
	// prints them). It is called from the workers, concurrently.
	Progress func(op *openapi.Operation, results []Result)

	// ops are every planned operation (set by Run), for the probes that
	// need another target; exclusive holds off the probes they would disturb
	// (exclusive.go).
	ops       []openapi.Operation
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
			Transport:     &http.Transport{MaxIdleConnsPerHost: 64, Proxy: nil},
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
	if e.Observer == nil {
		e.Observer = DefaultObserver
	}
	if e.NewKey == nil {
		e.NewKey = randomKey
	}
	if e.RaceMode == "" {
		e.RaceMode = DefaultRaceMode
	}
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
