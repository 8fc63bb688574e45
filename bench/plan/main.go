// Command plan measures `idemcheck plan` on generated documents of growing
// size, each run in a child process so that its peak memory is its own:
//
//	go run ./bench/plan                        # 1,000, 6,000 and 24,000 operations
//	go run ./bench/plan -ops 3000 -json        # plan --json instead of the table
//	go run ./bench/plan -bin /tmp/idemcheck-old -ops 6000
//	go run ./bench/plan -spec ../shared/specs/stripe-spec3.yaml
//
// It builds idemcheck once (or uses -bin), writes each document (see
// gen.go: keyed POSTs with $ref'd request bodies, GET lists, GETs by id and
// DELETEs, 4 operations per resource) to a temporary directory, runs
// `idemcheck plan --spec FILE` and prints the wall time and the child's
// peak RSS (getrusage's ru_maxrss), with its CPU time (user + system),
// which says more than the wall time on a busy machine. A child that runs longer than -timeout
// is killed and shown as such.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// config is the parsed command line.
type config struct {
	ops     []int
	specs   []string
	bin     string
	json    bool
	timeout time.Duration
	keep    string
}

// row is one measured plan.
type row struct {
	name    string
	bytes   int64
	elapsed time.Duration
	maxRSS  int64 // bytes
	cpu     time.Duration
	summary string
	err     string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "plan:", err)
		}
		return 2
	}
	dir := cfg.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "idemcheck-bench-plan-"); err != nil {
			fmt.Fprintln(stderr, "plan:", err)
			return 1
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "plan:", err)
		return 1
	}
	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(dir, "idemcheck")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/idemcheck/idemcheck")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(stderr, "plan: build idemcheck:", err)
			return 1
		}
	}
	var rows []row
	for _, n := range cfg.ops {
		spec := filepath.Join(dir, fmt.Sprintf("ops-%d.yaml", n))
		if err := writeDoc(spec, n); err != nil {
			fmt.Fprintln(stderr, "plan:", err)
			return 1
		}
		rows = append(rows, measure(ctx, cfg, bin, fmt.Sprintf("%d operations", n), spec))
	}
	for _, s := range cfg.specs {
		rows = append(rows, measure(ctx, cfg, bin, filepath.Base(s), s))
	}
	printTable(stdout, rows)
	for _, r := range rows {
		if r.err != "" {
			return 1
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ops := fs.String("ops", "1000,6000,24000", "operations per generated document, comma-separated")
	var specs multi
	fs.Var(&specs, "spec", "also plan this existing document (repeatable)")
	bin := fs.String("bin", "", "idemcheck binary to run (default: build this checkout)")
	asJSON := fs.Bool("json", false, "run plan --json")
	timeout := fs.Duration("timeout", 120*time.Second, "kill a plan that runs longer")
	keep := fs.String("keep", "", "write the documents (and binary) to this directory and keep them")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := &config{specs: specs, bin: *bin, json: *asJSON, timeout: *timeout, keep: *keep}
	if *timeout <= 0 || *timeout > time.Hour {
		return nil, fmt.Errorf("-timeout must be between 0 and 1h, got %s", *timeout)
	}
	if strings.TrimSpace(*ops) != "" {
		for _, s := range strings.Split(*ops, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > 1_000_000 {
				return nil, fmt.Errorf("-ops: %q is not a number between 1 and 1000000", s)
			}
			cfg.ops = append(cfg.ops, n)
		}
	}
	return cfg, nil
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func writeDoc(path string, ops int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := generate(f, ops); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// measure runs `bin plan --spec spec` in a child process.
func measure(ctx context.Context, cfg *config, bin, name, spec string) row {
	r := row{name: name}
	if st, err := os.Stat(spec); err == nil {
		r.bytes = st.Size()
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	args := []string{"plan", "--spec", spec}
	if cfg.json {
		args = append(args, "--json")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var out tail
	cmd.Stdout = &out
	var errs tail
	cmd.Stderr = &errs
	start := time.Now()
	err := cmd.Run()
	r.elapsed = time.Since(start)
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss << 10 // KiB on Linux
			r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	switch {
	case ctx.Err() != nil:
		r.err = "killed after " + cfg.timeout.String()
	case err != nil:
		r.err = strings.TrimSpace(lastLine(errs.String()))
		if r.err == "" {
			r.err = err.Error()
		}
	}
	if !cfg.json {
		r.summary = summary(lastLine(out.String()))
	}
	return r
}

// summary keeps the counts of plan's last line.
func summary(line string) string {
	if _, rest, ok := strings.Cut(line, "): "); ok {
		return rest
	}
	return ""
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// tail keeps the last 4 KiB written to it: plan prints one line per operation.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 8<<10 {
		t.b = append(t.b[:0], t.b[len(t.b)-4<<10:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "document\tsize\ttime\tCPU\tpeak RSS\t")
	for _, r := range rows {
		t := fmt.Sprintf("%.2f s", r.elapsed.Seconds())
		if r.err != "" {
			t = "—"
		}
		fmt.Fprintf(tw, "%s\t%.1f MB\t%s\t%.2f s\t%d MB\t\n", r.name, float64(r.bytes)/1e6, t, r.cpu.Seconds(), r.maxRSS>>20)
	}
	tw.Flush()
	for _, r := range rows {
		if r.err != "" {
			fmt.Fprintf(w, "%s: %s\n", r.name, r.err)
		} else if r.summary != "" {
			fmt.Fprintf(w, "%s: %s\n", r.name, r.summary)
		}
	}
}
