package check

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/internal/wire"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

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

// validate checks what can be checked without the document, in o with its
// defaults applied (withDefaults). needTarget is false for a plan, which
// sends nothing.
func (o *Options) validate(needTarget bool) (*settings, error) {
	if o.Spec == "" {
		return nil, usagef("{Spec} is required")
	}
	if o.KeyHeader != "" && o.KeyField != "" {
		return nil, usagef("{KeyHeader} and {KeyField} exclude each other")
	}
	if err := openapi.CheckKeyFormat(o.KeyFormat); err != nil {
		return nil, usagef("{KeyFormat}: %v", err)
	}
	cfg, err := loadConfig(o.Config, o.ConfigData)
	if err != nil {
		return nil, err
	}
	s := &settings{cfg: cfg}
	if s.profile, err = probes.LookupProfile(o.Profile); err != nil {
		return nil, usagef("{Profile}: %v", err)
	}
	if s.probes, err = probes.Select(o.Probes); err != nil {
		return nil, usagef("{Probes}: %v", err)
	}
	for _, n := range []struct {
		field string
		v     int
	}{{"Concurrency", o.Concurrency}, {"Rounds", o.Rounds}, {"Parallel", o.Parallel}} {
		if n.v < 1 || n.v > 1000 {
			return nil, usagef("{"+n.field+"} must be between 1 and 1000, got %d", n.v)
		}
	}
	var raceBudget probes.RaceBudget
	if o.RaceBudget != "" {
		if raceBudget, err = probes.ParseRaceBudget(o.RaceBudget); err != nil {
			return nil, usagef("{RaceBudget}: %v", err)
		}
	}
	if !needTarget { // what a plan's estimate depends on (cost.go)
		s.env = probes.Env{Concurrency: o.Concurrency, Rounds: o.Rounds, RaceBudget: raceBudget, Parallel: o.Parallel, Profile: s.profile}
		return s, nil
	}
	if o.BaseURL == "" {
		return nil, usagef("{BaseURL} is required: idemcheck never sends requests to a servers URL it was not given")
	}
	if s.gate, err = probes.ParseSeverity(o.FailOn); err != nil {
		return nil, usagef("{FailOn}: %v", err)
	}
	base, err := parseBaseURL(o.BaseURL)
	if err != nil {
		return nil, usagef("{BaseURL}: %v", err)
	}
	header, err := parseHeaders(o.Headers)
	if err != nil {
		return nil, usagef("{Headers}: %v", err)
	}
	other, err := parseHeaders(o.OtherHeaders)
	if err != nil {
		return nil, usagef("{OtherHeaders}: %v", err)
	}
	if o.Timeout <= 0 {
		return nil, usagef("{Timeout} must be positive, got %s", o.Timeout)
	}
	if o.MaxDuration < 0 {
		return nil, usagef("{MaxDuration} must not be negative, got %s", o.MaxDuration)
	}
	if o.Rate < 0 || o.Rate > 1e6 {
		return nil, usagef("{Rate} must be between 0 (no limit) and 1000000 requests per second, got %g", o.Rate)
	}
	for _, p := range o.IgnoreFields {
		if p != "" && !strings.HasPrefix(p, "/") {
			return nil, usagef("{IgnoreFields} %q is not a JSON pointer (it must start with /)", p)
		}
	}
	raceMode, err := probes.ParseRaceMode(o.RaceMode)
	if err != nil {
		return nil, usagef("{RaceMode}: %v", err)
	}
	if o.Shard != "" {
		if s.shardK, s.shardN, err = probes.ParseShard(o.Shard); err != nil {
			return nil, usagef("{Shard}: %v", err)
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
