// Command report measures what a default check of a large API writes and
// costs: the size of every report, the terminal's lines, the checker's peak
// memory and the wall time.
//
//	go run ./bench/report                   # 100 collections: 500 operations
//	go run ./bench/report -collections 20 -bin /tmp/idemcheck-old
//
// It serves two generated APIs on loopback, each with N collections of five
// operations (a keyed create, a keyed update, a delete, a list and a read,
// with Stripe-sized objects): one that ignores idempotency keys, as a
// stateless mock does, and one behind a correct idempotency layer. Against
// each it runs `idemcheck check` as a child process with every report
// asked for, and samples the child's peak resident set (VmHWM) while it
// runs. The binary is built from this module unless -bin names one, so two
// versions compare on the same APIs.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/examples"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// config is the parsed command line.
type config struct {
	collections int
	bin         string // the idemcheck binary; "" builds one
	out         string // where the reports go; "" is a temporary folder
	apis        []string
	args        []string // extra check flags
}

// The goals of issue 27 for the API without idempotency.
var goals = []struct {
	name  string
	limit int64
	unit  string
}{
	{"json", 10e6, "B"}, {"html", 3e6, "B"}, {"junit", 5e6, "B"}, {"sarif", 5e6, "B"},
	{"terminal", 500, "lines"}, {"rss", 200e6, "B"},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "report:", err)
		}
		return 2
	}
	tmp, err := os.MkdirTemp("", "idemcheck-bench-report-")
	if err != nil {
		fmt.Fprintln(stderr, "report:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if cfg.bin == "" {
		cfg.bin = filepath.Join(tmp, "idemcheck")
		build := exec.CommandContext(ctx, "go", "build", "-o", cfg.bin, "github.com/idemcheck/idemcheck")
		build.Stderr = stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(stderr, "report: build idemcheck:", err)
			return 1
		}
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(tmp, "reports")
	}
	doc, err := spec(cfg.collections)
	if err != nil {
		fmt.Fprintln(stderr, "report:", err)
		return 1
	}
	specFile := filepath.Join(tmp, "openapi.json")
	if err := os.WriteFile(specFile, doc, 0o644); err != nil {
		fmt.Fprintln(stderr, "report:", err)
		return 1
	}
	fmt.Fprintf(stdout, "default check of a generated API: %d collections, %d operations (%d mutating), with every report\n",
		cfg.collections, cfg.collections*opsPerCollection, cfg.collections*3)
	fmt.Fprintf(stdout, "binary %s\n\n", cfg.bin)
	var rows []measurement
	for _, name := range cfg.apis {
		m, err := measure(ctx, cfg, name, specFile)
		if err != nil {
			fmt.Fprintf(stderr, "report: %s: %v\n", name, err)
			return 1
		}
		rows = append(rows, m)
	}
	printTable(stdout, rows)
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	collections := fs.Int("collections", 100, "collections of the generated API, five operations each")
	bin := fs.String("bin", "", "idemcheck binary to measure (default: build this module)")
	out := fs.String("out", "", "folder for the reports, kept (default: a temporary folder, removed)")
	apis := fs.String("apis", "none,correct", "APIs to check, comma-separated: none (ignores keys), correct")
	extra := fs.String("args", "", "more check flags, space-separated (e.g. '--evidence full')")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *collections < 1 || *collections > 2000 {
		return nil, fmt.Errorf("-collections must be between 1 and 2000, got %d", *collections)
	}
	cfg := &config{collections: *collections, bin: *bin, out: *out, args: strings.Fields(*extra)}
	for _, a := range strings.Split(*apis, ",") {
		switch a = strings.TrimSpace(a); a {
		case "none", "correct":
			cfg.apis = append(cfg.apis, a)
		default:
			return nil, fmt.Errorf("-apis: unknown API %q (want none or correct)", a)
		}
	}
	return cfg, nil
}

// measurement is one check of one API.
type measurement struct {
	api      string
	exit     int
	counts   string // the check's total line
	wall     time.Duration
	rss      int64 // peak resident set, bytes; 0 when unknown
	sizes    map[string]int64
	lines    int // of the terminal report
	requests int64
}

// reports are the files a check writes, by name, with their flag.
var reports = []struct{ name, flag, ext string }{
	{"json", "--json", ".json"}, {"junit", "--junit", ".junit.xml"}, {"markdown", "--markdown", ".md"},
	{"html", "--html", ".html"}, {"sarif", "--sarif", ".sarif"},
}

// measure serves api and runs a default check of it with every report.
func measure(ctx context.Context, cfg *config, name, specFile string) (measurement, error) {
	a := newAPI(cfg.collections, name == "correct")
	counter := &countingHandler{next: a}
	srv, err := examples.Start(examples.Variant{Name: "report-" + name, Handler: func() http.Handler { return counter }})
	if err != nil {
		return measurement{}, err
	}
	defer srv.Close()
	dir, err := filepath.Abs(filepath.Join(cfg.out, name)) // the check runs in the document's folder
	if err != nil {
		return measurement{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return measurement{}, err
	}
	args := []string{"check", "--spec", filepath.Base(specFile), "--base-url", srv.URL, "--quiet", "--no-color"}
	for _, r := range reports {
		args = append(args, r.flag, filepath.Join(dir, "report"+r.ext))
	}
	args = append(args, cfg.args...)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, cfg.bin, args...)
	cmd.Dir = filepath.Dir(specFile) // the document named as a user names it, relative
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "GITHUB_ACTIONS=", "GITHUB_STEP_SUMMARY=")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	hwm := watchPeakRSS(cmd.Process.Pid)
	err = cmd.Wait()
	m := measurement{api: name, wall: time.Since(start), sizes: map[string]int64{}, requests: counter.n.Load()}
	m.rss = hwm()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		m.exit = exit.ExitCode()
	case err != nil:
		return m, err
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); m.exit == 2 && err != nil { // 2 with reports: untestable verdicts
		return m, fmt.Errorf("check exited 2: %s", strings.TrimSpace(stderr.String()))
	}
	if err := os.WriteFile(filepath.Join(dir, "terminal.txt"), stdout.Bytes(), 0o644); err != nil {
		return m, err
	}
	m.sizes["terminal"] = int64(stdout.Len())
	m.lines = bytes.Count(stdout.Bytes(), []byte("\n"))
	m.counts = countsLine(stdout.String())
	for _, r := range reports {
		fi, err := os.Stat(filepath.Join(dir, "report"+r.ext))
		if err != nil {
			return m, err
		}
		m.sizes[r.name] = fi.Size()
	}
	return m, nil
}

// countsLine is the terminal's total line ("3 passed, 12 failed, …"): the
// last line that counts verdicts (what the run left on the server may
// follow it), else the last line.
func countsLine(terminal string) string {
	lines := strings.Split(strings.TrimRight(terminal, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], " passed") {
			return strings.TrimSpace(lines[i])
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func printTable(w io.Writer, rows []measurement) {
	fmt.Fprintln(w, "| API | exit | wall | peak RSS | requests | terminal | JSON | JUnit | Markdown | HTML | SARIF |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, m := range rows {
		rss := "n/a"
		if m.rss > 0 {
			rss = size(m.rss)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %d | %d lines, %s | %s | %s | %s | %s | %s |\n",
			m.api, m.exit, m.wall.Round(100*time.Millisecond), rss, m.requests, m.lines, size(m.sizes["terminal"]),
			size(m.sizes["json"]), size(m.sizes["junit"]), size(m.sizes["markdown"]), size(m.sizes["html"]), size(m.sizes["sarif"]))
	}
	fmt.Fprintln(w)
	for _, m := range rows {
		fmt.Fprintf(w, "%s: %s\n", m.api, cut(m.counts, 200))
	}
	for _, m := range rows {
		if m.api != "none" {
			continue
		}
		fmt.Fprintln(w, "\ngoals for the API without idempotency:")
		for _, g := range goals {
			got := m.sizes[g.name]
			switch g.name {
			case "terminal":
				got = int64(m.lines)
			case "rss":
				got = m.rss
			}
			verdict := "met"
			if got > g.limit || got == 0 {
				verdict = "MISSED"
			}
			fmt.Fprintf(w, "  %-8s ≤ %-10s %-10s %s\n", g.name, amount(g.limit, g.unit), amount(got, g.unit), verdict)
		}
	}
}

func amount(n int64, unit string) string {
	if unit == "lines" {
		return fmt.Sprintf("%d lines", n)
	}
	return size(n)
}

// size is n bytes in decimal units, as the issue quotes them.
func size(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// cut is s cut at n bytes.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
