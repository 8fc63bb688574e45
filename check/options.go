package check

import (
	"reflect"
	"slices"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// Options are the inputs of a check, as a user gives them: flags, or a Go
// program's literals. A zero field means its default (DefaultOptions), so
// Options{Spec: …, BaseURL: …} is a default check; New validates them.
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
	// Concurrency, Rounds and Parallel are between 1 and 1000; zero is
	// the default.
	Concurrency, Rounds, Parallel int
	// RaceMode is how concurrent releases its copies; "" is the default.
	RaceMode string
	// RaceBudget bounds concurrent's rounds per operation, measured and
	// quick together: a number of rounds ("59") or the time they may take
	// ("2s"); "" is probes.DefaultRaceBudget.
	RaceBudget string
	// Timeout bounds every single request; zero is the default.
	Timeout time.Duration
	// FailOn is the lowest severity that fails the run; "" is
	// DefaultFailOn.
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
	// Explicit names the fields a user set explicitly, for a front end
	// whose settings all have values (the command line's flags): their
	// zero values are checked as given ("Concurrency" 0 is out of range)
	// instead of meaning the default.
	Explicit []string
}

// DefaultFailOn is the default gate.
const DefaultFailOn = "major"

// DefaultOptions are the documented defaults, which a zero field of
// Options means (the command line's flags show them); set Spec and BaseURL.
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

// withDefaults returns o with every zero field that is not Explicit set
// to its default: the one place defaults are applied.
func (o Options) withDefaults() Options {
	d := reflect.ValueOf(DefaultOptions())
	v := reflect.ValueOf(&o).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.IsZero() && !slices.Contains(o.Explicit, v.Type().Field(i).Name) {
			f.Set(d.Field(i))
		}
	}
	return o
}
