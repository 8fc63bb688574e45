package cmd

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/probes"
)

// CheckOptions are the inputs of `idemcheck check`.
type CheckOptions struct {
	Stdout, Stderr io.Writer

	Spec         string
	BaseURL      string
	Headers      []string // "Name: value"
	OtherHeaders []string // "Name: value" of a second principal, for cross-principal
	Profile      string   // provider profile: ietf, stripe, adyen, paypal, square
	Operations   []string
	Probes       []string
	KeyHeader    string
	KeyField     string
	IgnoreFields []string
	Concurrency  int
	RaceMode     string // --race-mode: auto, last-byte, h2, naive
	Rounds       int
	Parallel     int
	Timeout      time.Duration
	JUnit        string
	JSON         string
	Markdown     string
	HTML         string
	FailOn       string
	NoColor      bool
	// Config is the configuration file (--config); configData, when set,
	// is its content (the demo's embedded files), Config then its name.
	Config     string
	configData []byte
}

// NewCmdCheck builds `idemcheck check`. runF replaces checkRun in tests.
func NewCmdCheck(stdout, stderr io.Writer, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{Stdout: stdout, Stderr: stderr}
	c := &cobra.Command{
		Use:   "check --spec FILE|URL --base-url URL",
		Short: "Probe a running API for idempotency defects",
		Example: `  idemcheck check --spec openapi.yaml --base-url http://127.0.0.1:8080 \
      -H 'Authorization: Bearer t' --junit report.xml --json report.json`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return checkRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Spec, "spec", "", "OpenAPI document: a file or an http(s) URL (required)")
	f.StringVar(&opts.BaseURL, "base-url", "", "base URL of the running API; requests go nowhere else (required)")
	f.StringArrayVarP(&opts.Headers, "header", "H", nil, "header sent with every request, 'Name: value' (repeatable; redacted in reports)")
	f.StringArrayVar(&opts.OtherHeaders, "other-header", nil, "header naming a second principal for cross-principal, 'Name: value' (repeatable; replaces the same-named -H; redacted)")
	f.StringVar(&opts.Profile, "profile", probes.DefaultProfile, "expectations that differ between providers: ietf, stripe, adyen, paypal, square")
	f.StringSliceVar(&opts.Operations, "operations", nil, "operations to check: operationIds or 'METHOD /path', comma-separated (default all mutating)")
	f.StringSliceVar(&opts.Probes, "probes", nil, "probe ids to run, comma-separated (default all)")
	f.StringVar(&opts.KeyHeader, "key-header", "", "send the idempotency key in this header (overrides detection)")
	f.StringVar(&opts.KeyField, "key-field", "", "send the idempotency key in this body field (overrides detection)")
	f.StringArrayVar(&opts.IgnoreFields, "ignore-field", nil, "JSON pointer of a volatile response field left out of comparisons (repeatable)")
	f.IntVar(&opts.Concurrency, "concurrency", probes.DefaultConcurrency, "copies released at once by the concurrent probe")
	f.IntVar(&opts.Rounds, "rounds", probes.DefaultRounds, "rounds of the concurrent probe, each with a fresh key")
	f.StringVar(&opts.RaceMode, "race-mode", string(probes.DefaultRaceMode), "how concurrent releases its copies: auto (h2 when the target speaks HTTP/2, else last-byte), last-byte, h2, naive")
	f.IntVar(&opts.Parallel, "parallel", probes.DefaultParallel, "operations probed at once")
	f.DurationVar(&opts.Timeout, "timeout", probes.DefaultTimeout, "timeout of every single request")
	f.StringVar(&opts.JUnit, "junit", "", "write a JUnit XML report to FILE ('-' for stdout)")
	f.StringVar(&opts.JSON, "json", "", "write a JSON report to FILE ('-' for stdout)")
	f.StringVar(&opts.Markdown, "markdown", "", "write a Markdown review report to FILE ('-' for stdout)")
	f.StringVar(&opts.HTML, "html", "", "write a self-contained HTML review report to FILE ('-' for stdout)")
	f.StringVar(&opts.FailOn, "fail-on", "major", "lowest severity that fails the run: info, minor, major, critical")
	f.BoolVar(&opts.NoColor, "no-color", false, "disable colour (also NO_COLOR, or when output is not a terminal)")
	f.StringVar(&opts.Config, "config", "", "configuration file (idemcheck.yaml): request bodies, path parameters, keys and side-effect observers per operation")
	return c
}

// checkRun loads and plans the document, probes the target and reports.
func checkRun(ctx context.Context, opts *CheckOptions) error {
	if opts.Spec == "" {
		return usagef("--spec is required")
	}
	if opts.BaseURL == "" {
		return usagef("--base-url is required: idemcheck never sends requests to a servers URL it was not given")
	}
	cfg, err := newPipeline(opts)
	if err != nil {
		return err
	}
	doc, err := cfg.load(ctx, opts.Spec, nil)
	if err != nil {
		return err
	}
	run, err := cfg.check(ctx, doc)
	if err != nil {
		return err
	}
	return cfg.finish(run)
}
