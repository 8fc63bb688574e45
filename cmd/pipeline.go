package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// maxWarnings bounds the load warnings printed; the rest are counted.
const maxWarnings = 10

// pipeline is a validated check configuration: load → plan → probe → report.
type pipeline struct {
	opts   *CheckOptions
	gate   probes.Severity
	probes []probes.Probe
	env    probes.Env
	cfg    *config.Config // --config; nil when none (config.go)
}

// newPipeline validates the options that do not need the document.
func newPipeline(opts *CheckOptions) (*pipeline, error) {
	gate, err := probes.ParseSeverity(opts.FailOn)
	if err != nil {
		return nil, usagef("--fail-on: %v", err)
	}
	selected, err := probes.Select(opts.Probes)
	if err != nil {
		return nil, usagef("--probes: %v", err)
	}
	base, err := parseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, usagef("--base-url: %v", err)
	}
	header, err := parseHeaders(opts.Headers)
	if err != nil {
		return nil, usagef("--header: %v", err)
	}
	other, err := parseHeaders(opts.OtherHeaders)
	if err != nil {
		return nil, usagef("--other-header: %v", err)
	}
	profile, err := probes.LookupProfile(opts.Profile)
	if err != nil {
		return nil, usagef("--profile: %v", err)
	}
	for name, v := range map[string]int{"--concurrency": opts.Concurrency, "--rounds": opts.Rounds, "--parallel": opts.Parallel} {
		if v < 1 || v > 1000 {
			return nil, usagef("%s must be between 1 and 1000, got %d", name, v)
		}
	}
	if opts.Timeout <= 0 {
		return nil, usagef("--timeout must be positive, got %s", opts.Timeout)
	}
	for _, p := range opts.IgnoreFields {
		if p != "" && !strings.HasPrefix(p, "/") {
			return nil, usagef("--ignore-field %q is not a JSON pointer (it must start with /)", p)
		}
	}
	if opts.KeyHeader != "" && opts.KeyField != "" {
		return nil, usagef("--key-header and --key-field exclude each other")
	}
	raceMode := probes.DefaultRaceMode // options built in code (demo) may leave it empty
	if opts.RaceMode != "" {
		if raceMode, err = probes.ParseRaceMode(opts.RaceMode); err != nil {
			return nil, usagef("--race-mode: %v", err)
		}
	}
	cfg, err := loadConfig(opts.Config, opts.configData)
	if err != nil {
		return nil, err
	}
	profileFor, err := profileFunc(cfg, profile)
	if err != nil {
		return nil, err
	}
	return &pipeline{
		cfg:    cfg,
		opts:   opts,
		gate:   gate,
		probes: selected,
		env: probes.Env{
			BaseURL:      base,
			Header:       header,
			Timeout:      opts.Timeout,
			Concurrency:  opts.Concurrency,
			Rounds:       opts.Rounds,
			RaceMode:     raceMode,
			Parallel:     opts.Parallel,
			IgnoreFields: opts.IgnoreFields,
			OtherHeader:  other,
			Profile:      profile,
			ProfileFor:   profileFor,
		},
	}, nil
}

// load reads the document from source, or from data when it is not nil,
// and prints its warnings.
func (p *pipeline) load(ctx context.Context, source string, data []byte) (*openapi.Document, error) {
	var doc *openapi.Document
	var err error
	if data != nil {
		doc, err = openapi.LoadData(ctx, data, source)
	} else {
		doc, err = openapi.Load(ctx, source)
	}
	if err != nil {
		return nil, err
	}
	printWarnings(p.opts.Stderr, doc.Warnings)
	return doc, nil
}

// check plans doc, makes sure the target answers, and runs the probes.
func (p *pipeline) check(ctx context.Context, doc *openapi.Document) (*report.Run, error) {
	if err := checkConfigNames(p.cfg, doc); err != nil {
		return nil, err
	}
	p.env.Observer = observerFunc(p.cfg)
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{
		Operations: p.opts.Operations,
		KeyHeader:  p.opts.KeyHeader,
		KeyField:   p.opts.KeyField,
		Overrides:  overrides(p.cfg),
	})
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("%s has no mutating operations to check", doc.Source)
	}
	if err := reachable(ctx, p.env.BaseURL, p.opts.Timeout); err != nil {
		return nil, err
	}
	if err := preflightObservers(ctx, p.cfg, p.env, ops); err != nil {
		return nil, report.RedactError(err, p.secrets()) // it quotes commands
	}
	start := time.Now()
	results := probes.Run(ctx, ops, p.probes, p.env)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted: %w", err)
	}
	return report.Redact(&report.Run{ // before any report is written or printed
		Tool:     "idemcheck " + versionString(),
		Spec:     doc.Source,
		BaseURL:  p.env.BaseURL,
		Gate:     p.gate,
		Started:  start.UTC(),
		Duration: time.Since(start),
		Results:  results,
	}, p.secrets()), nil
}

// finish writes the reports and turns the verdicts into the exit status.
func (p *pipeline) finish(run *report.Run) error {
	useColor := report.ColorWanted(p.opts.Stdout, p.opts.NoColor)
	if err := report.WriteTerminal(p.opts.Stdout, run, useColor); err != nil {
		return err
	}
	if err := p.writeFiles(run); err != nil {
		return err
	}
	return verdict(run, p.gate)
}

// writeFiles writes every report format the user asked for.
func (p *pipeline) writeFiles(run *report.Run) error {
	formats := []struct {
		path  string
		write func(io.Writer, *report.Run) error
	}{
		{p.opts.JUnit, report.WriteJUnit},
		{p.opts.JSON, report.WriteJSON},
		{p.opts.Markdown, report.WriteMarkdown},
		{p.opts.HTML, report.WriteHTML},
	}
	for _, f := range formats {
		if f.path == "" {
			continue
		}
		if err := writeReport(f.path, run, f.write); err != nil {
			return err
		}
	}
	return nil
}

// writeReport writes one report to path ("-" is stdout).
func writeReport(path string, run *report.Run, write func(io.Writer, *report.Run) error) error {
	w, err := report.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := write(w, run); err != nil {
		w.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// verdict maps the results to the run's outcome: findings at or above the
// gate; else an untestable target when every probe that ran errored, or when
// a probe at or above the gate could not be carried out — a gate that stays
// green because its checks did not run would be a false pass.
func verdict(run *report.Run, gate probes.Severity) error {
	if run.Failed(gate) {
		return errFindings
	}
	ran, errored, gated := 0, 0, 0
	for _, r := range run.Results {
		if r.Verdict == probes.Skip {
			continue
		}
		ran++
		if r.Verdict == probes.Error {
			errored++
			if r.Severity >= gate {
				gated++
			}
		}
	}
	switch {
	case ran > 0 && errored == ran:
		return fmt.Errorf("the target could not be tested: all %d probes that ran ended in an error (first: %s)", ran, firstError(run, probes.Info))
	case gated > 0:
		return fmt.Errorf("%d probe(s) at or above --fail-on %s could not be carried out, so the gate cannot pass (first: %s); fix the request (-H, --config) or leave them out (--operations, --probes)", gated, gate, firstError(run, gate))
	}
	return nil
}

// firstError describes the first errored result at or above severity.
func firstError(run *report.Run, severity probes.Severity) string {
	for _, r := range run.Results {
		if r.Verdict == probes.Error && r.Severity >= severity {
			return r.Operation.Name() + " " + r.Probe + ": " + r.Reason
		}
	}
	return ""
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

// reachable makes sure something answers HTTP at base before any probe runs,
// so an unreachable target is one clear error instead of a wall of errors.
func reachable(ctx context.Context, base string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, base+"/", http.NoBody)
	if err != nil {
		return err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("target %s is unreachable: %v", base, err)
	}
	resp.Body.Close()
	return nil
}

// printWarnings prints the first warnings of loading a document.
func printWarnings(w io.Writer, warnings []string) {
	for i, msg := range warnings {
		if i == maxWarnings {
			fmt.Fprintf(w, "warning: … and %d more\n", len(warnings)-maxWarnings)
			return
		}
		fmt.Fprintf(w, "warning: %s\n", msg)
	}
}
