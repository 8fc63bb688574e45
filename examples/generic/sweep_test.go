package generic_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// The sweep is issue 23's yardstick: a correct API passes. For every
// real-world document (../shared/specs) and every example's document, the
// generic server serves it correctly over a loopback socket, a default
// `check` runs against it, and the test requires what a user of a correct
// API must get: exit 0, no error, no failure at or above the gate, and not
// one request the document forbids.
//
//	go test -run 'TestSweep$' ./examples/generic -v                 # every document
//	IDEMCHECK_SWEEP=adyen,twilio go test -run 'TestSweep$' ./examples/generic -v
//	IDEMCHECK_SWEEP_REPORTS=/tmp/sweep …   (JSON and Markdown reports per document)
//
// Documents are checked side by side, largest first, each on a server of
// its own: at most go test's -parallel at once (GOMAXPROCS by default; a
// check waits on its server's processing time and on concurrent's rounds,
// so CI's step of its own runs four on two cores). Which documents run
// (sweep_docs_test.go): IDEMCHECK_SWEEP picks by name ("all": every one);
// else -short keeps those that take seconds; else under the race detector
// (go test -race, as CI's test step runs) the examples and the small real
// documents, since the race detector makes a check 2 to 20 times slower;
// else every document (CI runs that in a step of its own
// without -race).

// sweepBudget bounds one document's check (check.Options.MaxDuration):
// a run that spends it is untestable (exit 2), which the table shows.
const sweepBudget = 15 * time.Minute

// sweepProcessing is the server's processing time per request: a real
// API's, small, so that concurrent duplicates meet the first in flight.
const sweepProcessing = time.Millisecond

// sweepGC is the sweep's GOGC unless the environment sets one: the
// generic server allocates a response's every value, and a fifth of the
// sweep's CPU went to collecting them at the default 100. sweepMemory
// bounds what that costs: four documents at once grew to 5 GB without
// it; the collector works harder near it instead (unless GOMEMLIMIT says).
const (
	sweepGC     = 400
	sweepMemory = 3 << 30
)

func setSweepGC(t *testing.T) {
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(sweepGC)
		t.Cleanup(func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(sweepMemory)
		t.Cleanup(func() { debug.SetMemoryLimit(old) })
	}
}

func TestSweep(t *testing.T) {
	setSweepGC(t)
	docs := sweepDocs(t, sweepDefault)
	keep := tableAtEnd(t, len(docs), sweepTable)
	for i, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel() // at most -parallel at once, each on a server of its own
			if !budgetLeft(t) {
				return
			}
			row := runSweep(t, d, nil)
			keep(i, row)
			row.require(t)
		})
	}
}

// tableAtEnd logs the table of a sweep's rows, in document order, once
// every document's subtest of t has ended (they run in parallel); keep
// records the row of document i.
func tableAtEnd[R any](t *testing.T, n int, table func([]R) string) (keep func(i int, r R)) {
	var mu sync.Mutex
	rows := make([]*R, n)
	t.Cleanup(func() {
		var done []R
		for _, r := range rows {
			if r != nil {
				done = append(done, *r)
			}
		}
		t.Log("\n" + table(done))
	})
	return func(i int, r R) {
		mu.Lock()
		defer mu.Unlock()
		rows[i] = &r
	}
}

// minBudget is the least time a document is checked in; less is an error
// (not a pass, not a panic of the whole test binary at its -timeout).
const minBudget = time.Minute

// docBudget is how long one document's check may take: sweepBudget, or
// what the test's -timeout leaves, less a margin for the rest.
func docBudget(t *testing.T) time.Duration {
	deadline, ok := t.Deadline()
	if !ok {
		return sweepBudget
	}
	return min(sweepBudget, time.Until(deadline)-minBudget)
}

// budgetLeft reports whether the test's -timeout leaves time to check the
// document: the complete sweep takes minutes (docs/real-world-specs.md).
// When it does not, a document the user named (IDEMCHECK_SWEEP) fails, and
// one the default selection picked is skipped, loudly: go test ./... with
// its default -timeout must not fail for want of time (the selection under
// -race fits in it by far), and a skip is no pass.
func budgetLeft(t *testing.T) bool {
	t.Helper()
	if b := docBudget(t); b < minBudget {
		msg := fmt.Sprintf("not run: the test's -timeout leaves %s; the complete sweep needs more (go test -timeout 20m), or pick documents with IDEMCHECK_SWEEP or -short", b.Round(time.Second))
		if len(envList("IDEMCHECK_SWEEP")) == 0 {
			t.Skip(msg)
		}
		t.Error(msg)
		return false
	}
	return true
}

// sweepRow is one document's line of the table.
type sweepRow struct {
	name      string
	keyHeader string // set for documents that declare no key
	ops       int
	exit      int
	errors    int
	failures  int // at or above the gate
	invalid   []generic.Invalid
	unrouted  []string
	problems  []string
	docIssues []string // what the document makes impossible to answer validly
	seconds   float64
	setup     string // what kept the check from running
	results   []probes.Result
	gate      probes.Severity
	outcome   string
}

// frontFunc puts something in front of the server at upstream (a
// validating proxy, prism_test.go) and returns the URL idemcheck is to use
// and the headers it is to send.
type frontFunc func(t *testing.T, upstream string) (base string, headers []string)

// runSweep serves d with the generic server and checks it, through front
// when it is not nil.
func runSweep(t *testing.T, d sweepDoc, front frontFunc) sweepRow {
	t.Helper()
	row := sweepRow{name: d.name}
	srv, err := d.open(generic.Options{CheckResponses: true, ProcessingTime: sweepProcessing})
	if err != nil {
		t.Fatalf("the generic server cannot serve %s: %v", d.name, err)
	}
	if !srv.DeclaresKeys() {
		// What a user of Stripe or Box does: the document says nothing of
		// keys, the API takes Idempotency-Key.
		row.keyHeader = generic.DefaultKeyHeader
	}
	live, err := examples.Start(examples.Variant{Name: d.name, Handler: func() http.Handler { return srv }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close() })
	base := live.URL
	var headers []string
	if front != nil {
		base, headers = front(t, live.URL)
	}
	opts := check.DefaultOptions()
	opts.Spec, opts.SpecData = d.path, d.data
	opts.BaseURL = base
	opts.Headers = headers
	opts.KeyHeader = row.keyHeader
	budget := docBudget(t)
	opts.MaxDuration = budget
	opts.Tool = "idemcheck sweep"
	if d.flags != nil {
		d.flags(&opts)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), budget+minBudget/2)
	defer cancel()
	run, ops, err := runCheck(ctx, opts)
	row.seconds = time.Since(start).Seconds()
	row.ops = ops
	row.invalid, row.unrouted, row.problems, row.docIssues = srv.Invalid(), srv.Unrouted(), srv.Problems(), srv.DocumentIssues()
	if err != nil {
		row.setup, row.exit = err.Error(), 2
		return row
	}
	row.results, row.gate = run.Results, run.Gate
	if dir := os.Getenv("IDEMCHECK_SWEEP_REPORTS"); dir != "" { // the evidence, for whoever fixes a failure
		base := filepath.Join(dir, strings.ReplaceAll(d.name, " ", "-"))
		if err := (report.Outputs{Paths: map[string]string{"json": base + ".json", "markdown": base + ".md"}}).Write(run, io.Discard); err != nil {
			t.Errorf("write the reports: %v", err)
		}
	}
	o := run.Outcome()
	row.outcome = o.Reason
	switch o.Status {
	case report.Findings:
		row.exit = 1
	case report.Untestable:
		row.exit = 2
	}
	for _, r := range run.Results {
		switch {
		case r.Verdict == probes.Error:
			row.errors++
		case r.Verdict == probes.Fail && r.Severity >= run.Gate && !r.Accepted:
			row.failures++
		}
	}
	return row
}

func runCheck(ctx context.Context, opts check.Options) (*report.Run, int, error) {
	c, err := check.New(opts)
	if err != nil {
		return nil, 0, err
	}
	doc, err := c.Load(ctx)
	if err != nil {
		return nil, 0, err
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		return nil, 0, err
	}
	run, err := c.Run(ctx, plan)
	return run, len(plan.Targets), err
}

// require fails the test unless the check passed cleanly, with the
// reasons grouped so that the failures say what to fix.
func (row sweepRow) require(t *testing.T) {
	t.Helper()
	invalid := len(row.invalid) - row.keyOnlyCount()
	unrouted := row.realUnrouted()
	deliberate, other, unattributed, others := row.keyOnlySplit()
	if row.exit == 0 && row.errors == 0 && row.failures == 0 && invalid == 0 && other == 0 && len(unrouted) == 0 && len(row.problems) == 0 && row.setup == "" {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: exit %d, %d errors, %d failures at or above the gate, %d invalid requests, %d more invalid in the key alone sent by other probes than missing-key and key-format (%d by those, %d unattributed), %d unrouted, %d server problems\n",
		row.name, row.exit, row.errors, row.failures, invalid, other, deliberate, unattributed, len(unrouted), len(row.problems))
	if other > 0 {
		b.WriteString("invalid in the key alone, sent by a probe that does not test keys:\n")
		for _, k := range sortedByCount(others) {
			fmt.Fprintf(&b, "  %4d× %s\n", others[k], k)
		}
	}
	if row.setup != "" {
		fmt.Fprintf(&b, "the check did not run: %s\n", row.setup)
	}
	if row.outcome != "" {
		fmt.Fprintf(&b, "outcome: %s\n", row.outcome)
	}
	b.WriteString(row.grouped())
	if len(row.docIssues) > 0 {
		b.WriteString("(not counted) document issues: answers no server of this document can give validly:\n")
		b.WriteString(groupStrings(row.docIssues, 1))
	}
	if len(row.problems) > 0 {
		// The server's own defects: fix the server, not idemcheck.
		b.WriteString("server problems (the generic server's, not idemcheck's):\n")
		b.WriteString(groupStrings(row.problems, 3))
	}
	t.Error(b.String())
}

func (row sweepRow) keyOnlyCount() int {
	n := 0
	for _, iv := range row.invalid {
		if iv.KeyOnly {
			n++
		}
	}
	return n
}

// realUnrouted leaves out idemcheck's reachability check (HEAD /), which is
// no operation and asks nothing of the document.
func (row sweepRow) realUnrouted() []string {
	var out []string
	for _, u := range row.unrouted {
		if u != "HEAD /" {
			out = append(out, u)
		}
	}
	return out
}

// keyHeaderNote is the table's note for documents checked with KeyHeader.
func (row sweepRow) keyHeaderNote() string {
	if row.keyHeader == "" {
		return ""
	}
	return "--key-header " + row.keyHeader
}

func sweepTable(rows []sweepRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| document | operations | exit | errors | failures ≥ gate | invalid requests | key-only invalid: other probes / missing-key, key-format / unattributed | unrouted | server problems | document issues | seconds | flags |\n")
	fmt.Fprintf(&b, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range rows {
		deliberate, other, unattributed, _ := r.keyOnlySplit()
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d / %d / %d | %d | %d | %d | %.1f | %s |\n",
			r.name, r.ops, r.exit, r.errors, r.failures, len(r.invalid)-r.keyOnlyCount(), other, deliberate, unattributed, len(r.realUnrouted()), len(r.problems), len(r.docIssues), r.seconds, r.keyHeaderNote())
	}
	return b.String()
}

// envList reads a comma-separated environment variable.
func envList(name string) []string {
	var out []string
	for _, s := range strings.Split(os.Getenv(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
