package check

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// Options are the inputs of a check, as a user gives them: flags, or a Go
// program's literals. Start from DefaultOptions; New validates them.
type Options struct {
	// Spec is the OpenAPI document: a file path or an http(s) URL.
	// SpecData, when set, is the document itself and Spec only its name.
	Spec     string
	SpecData []byte
	// AllowRefDirs are folders outside the document's own from which its
	// $refs may read files (--allow-ref-dir); by default a $ref stays in
	// the document's folder tree.
	AllowRefDirs []string
	// BaseURL is the running API; no request goes anywhere else. Plan
	// does not need it.
	BaseURL string
	// Headers ("Name: value") are sent with every request; OtherHeaders
	// name a second principal for cross-principal. Values are redacted.
	Headers, OtherHeaders []string
	// Profile names the provider expectations (probes.Profiles); "" is
	// probes.DefaultProfile.
	Profile string
	// Operations and Probes select what is checked (all when empty):
	// operationIds or "METHOD /path", and probe ids.
	Operations, Probes []string
	// KeyHeader or KeyField overrides where the idempotency key goes.
	KeyHeader, KeyField string
	// KeyFormat is the key's shape where the document says nothing
	// (openapi.KeyFormats: uuid, ulid, hex); "" keeps idemcheck's own.
	KeyFormat string
	// IgnoreFields are JSON pointers of volatile response fields.
	IgnoreFields []string
	// Concurrency, Rounds and Parallel are between 1 and 1000.
	Concurrency, Rounds, Parallel int
	// RaceMode is how concurrent releases its copies; "" is the default.
	RaceMode string
	// RaceBudget bounds concurrent's rounds per operation, measured and
	// quick together: a number of rounds ("59") or the time they may take
	// ("2s"); "" is probes.DefaultRaceBudget.
	RaceBudget string
	// Timeout bounds every single request.
	Timeout time.Duration
	// FailOn is the lowest severity that fails the run.
	FailOn string
	// Config is the configuration file (idemcheck.yaml); ConfigData, when
	// set, is its content and Config only its name.
	Config     string
	ConfigData []byte
	// MaxDuration bounds the whole run (--max-duration); zero is none.
	// When it is spent the run stops cleanly: what finished is reported,
	// the rest is an error "not run: time budget".
	MaxDuration time.Duration
	// Rate caps requests per second across the run (--rate); zero is none.
	Rate float64
	// CACert is a PEM file of the root certificates to trust instead of
	// the system's (--cacert); ClientCert and ClientKey a PEM client
	// certificate and its key for mutual TLS; Insecure skips verifying the
	// server's certificate (--insecure, never implied). Every sender uses
	// them: net/http, last-byte, h2 and the dropped connections.
	CACert, ClientCert, ClientKey string
	Insecure                      bool
	// Redact are values to scrub from every report and message, beside
	// the header values and the configuration's credentials (--redact).
	Redact []string
	// Baseline is a file of accepted findings (idemcheck baseline): they
	// are reported as accepted and do not fail the gate.
	Baseline string
	// Shard is "k/n": check only shard k of n of the planned operations
	// (operations that share an observer stay together), for CI jobs in
	// parallel whose JSON reports idemcheck merge combines.
	Shard string
	// Tool names the program in reports ("idemcheck 1.2.3").
	Tool string
	// Cleanup removes, after the run, every resource the run saw itself
	// create, with the document's DELETE for it (--cleanup); the report's
	// Cleanup says what was removed and what was not. It counts against
	// MaxDuration and Rate like the run.
	Cleanup bool
}

// DefaultFailOn is the default gate.
const DefaultFailOn = "major"

// DefaultOptions are the documented defaults (the flags' defaults); set
// Spec and BaseURL.
func DefaultOptions() Options {
	return Options{
		Profile:     probes.DefaultProfile,
		Concurrency: probes.DefaultConcurrency,
		Rounds:      probes.DefaultRounds,
		Parallel:    probes.DefaultParallel,
		RaceMode:    string(probes.DefaultRaceMode),
		RaceBudget:  probes.DefaultRaceBudget().String(),
		Timeout:     probes.DefaultTimeout,
		FailOn:      DefaultFailOn,
	}
}

// UsageError is a mistake in the options: a value out of range, a name
// nobody knows. Nothing was read or sent.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// settings are validated options.
type settings struct {
	gate     probes.Severity
	baseline *report.Baseline // nil when none
	shardK   int              // 0 when not sharded
	shardN   int
	probes   []probes.Probe
	env      probes.Env
	profile  *probes.Profile
	cfg      *config.Config // nil when none
}

// validate checks what can be checked without the document. needTarget is
// false for a plan, which sends nothing.
func (o *Options) validate(needTarget bool) (*settings, error) {
	if o.Spec == "" {
		return nil, usagef("--spec is required")
	}
	if o.KeyHeader != "" && o.KeyField != "" {
		return nil, usagef("--key-header and --key-field exclude each other")
	}
	if err := openapi.CheckKeyFormat(o.KeyFormat); err != nil {
		return nil, usagef("--key-format: %v", err)
	}
	cfg, err := loadConfig(o.Config, o.ConfigData)
	if err != nil {
		return nil, err
	}
	s := &settings{cfg: cfg}
	if s.profile, err = probes.LookupProfile(o.Profile); err != nil {
		return nil, usagef("--profile: %v", err)
	}
	if !needTarget {
		return s, o.costSettings(s) // cost.go: what a plan's estimate depends on
	}
	if o.BaseURL == "" {
		return nil, usagef("--base-url is required: idemcheck never sends requests to a servers URL it was not given")
	}
	if s.gate, err = probes.ParseSeverity(o.FailOn); err != nil {
		return nil, usagef("--fail-on: %v", err)
	}
	if s.probes, err = probes.Select(o.Probes); err != nil {
		return nil, usagef("--probes: %v", err)
	}
	base, err := parseBaseURL(o.BaseURL)
	if err != nil {
		return nil, usagef("--base-url: %v", err)
	}
	header, err := parseHeaders(o.Headers)
	if err != nil {
		return nil, usagef("--header: %v", err)
	}
	other, err := parseHeaders(o.OtherHeaders)
	if err != nil {
		return nil, usagef("--other-header: %v", err)
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"--concurrency", o.Concurrency}, {"--rounds", o.Rounds}, {"--parallel", o.Parallel}} {
		if n.v < 1 || n.v > 1000 {
			return nil, usagef("%s must be between 1 and 1000, got %d", n.flag, n.v)
		}
	}
	if o.Timeout <= 0 {
		return nil, usagef("--timeout must be positive, got %s", o.Timeout)
	}
	if o.MaxDuration < 0 {
		return nil, usagef("--max-duration must not be negative, got %s", o.MaxDuration)
	}
	if o.Rate < 0 || o.Rate > 1e6 {
		return nil, usagef("--rate must be between 0 (no limit) and 1000000 requests per second, got %g", o.Rate)
	}
	for _, p := range o.IgnoreFields {
		if p != "" && !strings.HasPrefix(p, "/") {
			return nil, usagef("--ignore-field %q is not a JSON pointer (it must start with /)", p)
		}
	}
	raceMode, err := probes.ParseRaceMode(o.RaceMode)
	if err != nil {
		return nil, usagef("--race-mode: %v", err)
	}
	var raceBudget probes.RaceBudget
	if o.RaceBudget != "" {
		if raceBudget, err = probes.ParseRaceBudget(o.RaceBudget); err != nil {
			return nil, usagef("--race-budget: %v", err)
		}
	}
	if o.Shard != "" {
		if s.shardK, s.shardN, err = probes.ParseShard(o.Shard); err != nil {
			return nil, usagef("--shard: %v", err)
		}
	}
	if o.Baseline != "" {
		if s.baseline, err = report.LoadBaseline(o.Baseline); err != nil {
			return nil, err
		}
	}
	tlsConfig, err := wire.TLSOptions{CAFile: o.CACert, CertFile: o.ClientCert, KeyFile: o.ClientKey, Insecure: o.Insecure}.Config()
	if err != nil {
		return nil, usagef("tls: %v", err)
	}
	s.env = probes.Env{
		TLS:          tlsConfig,
		BaseURL:      base,
		Header:       header,
		Timeout:      o.Timeout,
		Concurrency:  o.Concurrency,
		Rounds:       o.Rounds,
		RaceMode:     raceMode,
		RaceBudget:   raceBudget,
		Parallel:     o.Parallel,
		IgnoreFields: o.IgnoreFields,
		OtherHeader:  other,
		Profile:      s.profile,
		Rate:         o.Rate,
	}
	return s, nil
}

// parseBaseURL accepts an absolute http(s) URL without query or fragment.
func parseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not have a query or fragment", s)
	}
	if u.User != nil {
		// Credentials in the URL would reach the reports and would not be
		// sent by the raw-connection senders (last-byte, h2, drop).
		return "", fmt.Errorf("%q carries credentials; pass them as -H 'Authorization: Basic …' instead, which every request sends and every report redacts", u.Redacted())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// parseHeaders reads "Name: value" flags.
func parseHeaders(flags []string) (http.Header, error) {
	h := http.Header{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%q is not 'Name: value'", f)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}
