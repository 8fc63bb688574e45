package report

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// finished is the results of one operation: one per verdict given.
func finished(vs ...probes.Verdict) []probes.Result {
	var out []probes.Result
	for _, v := range vs {
		out = append(out, probes.Result{Verdict: v})
	}
	return out
}

func TestProgressNotATerminal(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration // between two finished operations
		want  []string
	}{
		{"operations faster than the interval: one line per 10s", 3 * time.Second, []string{
			"idemcheck: 4/6 operations, 1 finding, 12s elapsed, about 6s left (last: op4)",
		}},
		{"operations slower than the interval: one line per operation", 15 * time.Second, []string{
			"idemcheck: 1/6 operations, 0 findings, 15s elapsed, about 1m15s left (last: op1)",
			"idemcheck: 2/6 operations, 1 finding, 30s elapsed, about 1m0s left (last: op2)",
			"idemcheck: 3/6 operations, 1 finding, 45s elapsed, about 45s left (last: op3)",
			"idemcheck: 4/6 operations, 1 finding, 1m0s elapsed, about 30s left (last: op4)",
			"idemcheck: 5/6 operations, 2 findings, 1m15s elapsed, about 15s left (last: op5)",
			"idemcheck: 6/6 operations, 2 findings, 1m30s elapsed (last: op6)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			p := NewProgress(&out, false, 6, clock.now)
			p.Start(time.Millisecond) // no redrawing off a terminal
			verdicts := [][]probes.Verdict{{probes.Pass}, {probes.Fail, probes.Skip}, {probes.Pass}, {probes.Pass}, {probes.Fail}, {probes.Skip}}
			for i, vs := range verdicts {
				clock.advance(tt.every)
				p.Operation(&openapi.Operation{ID: "op" + string(rune('1'+i))}, finished(vs...))
			}
			if err := p.Finish(); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProgressTerminalRedrawsOneLine(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p := NewProgress(&out, true, 3, clock.now)
	clock.advance(2 * time.Second)
	p.Operation(&openapi.Operation{Method: "POST", Path: "/v1/payments"}, finished(probes.Pass, probes.Error))
	clock.advance(2 * time.Second)
	p.Operation(&openapi.Operation{ID: "createRefund"}, finished(probes.Fail, probes.Fail))
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	want := "\r\x1b[K1/3 operations, 0 findings, 1 error, 2s elapsed, about 4s left" +
		"\r\x1b[K2/3 operations, 2 findings, 1 error, 4s elapsed, about 2s left" +
		"\r\x1b[K"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if strings.Contains(out.String(), "\n") {
		t.Error("a terminal progress line ended a line")
	}
}

// TestProgressTerminalTicks: Start redraws the line while no operation
// finishes, and Finish stops it and leaves the line clean.
func TestProgressTerminalTicks(t *testing.T) {
	w := &lockedBuffer{}
	p := NewProgress(w, true, 2, nil)
	p.Start(time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(w.String(), "\r") < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	got := w.String()
	if n := strings.Count(got, "\r"); n < 3 {
		t.Fatalf("%d redraws in 10s, want at least 2 and the clearing: %q", n-1, got)
	}
	if !strings.HasSuffix(got, "0/2 operations, 0 findings, 0s elapsed\r\x1b[K") {
		t.Errorf("output %q does not end with the line cleared", got)
	}
	n := len(w.String())
	time.Sleep(20 * time.Millisecond)
	if len(w.String()) != n {
		t.Error("the line was redrawn after Finish")
	}
}

func TestProgressWriteErrorIsReturned(t *testing.T) {
	p := NewProgress(&failingWriter{}, true, 1, nil)
	p.Operation(&openapi.Operation{ID: "op"}, nil)
	if err := p.Finish(); !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "write progress") {
		t.Errorf("Finish() = %v, want the write error", err)
	}
}

func TestProgressSanitizesOperationNames(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := NewProgress(&out, false, 1, clock.now)
	clock.advance(ProgressInterval)
	p.Operation(&openapi.Operation{ID: "evil\x1b[2Jop"}, nil)
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("an escape sequence from the document reached the output: %q", out.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for the ticker's goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
