package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// ProgressInterval is the least time between two progress lines when the
// output is not a terminal (a CI log): a line per finished operation, or
// one per ProgressInterval, whichever is rarer.
const ProgressInterval = 10 * time.Second

// Progress shows how far a check is while it runs: operations done of the
// total, findings so far, time elapsed and an estimate of the time left.
// On a terminal it is one line, redrawn in place; elsewhere it writes whole
// lines, at most one per ProgressInterval and only when an operation
// finished. Wire Operation to probes.Config.Progress and call Finish before
// anything else is written to the terminal. Safe for concurrent use.
type Progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	total    int

	mu       sync.Mutex
	start    time.Time
	done     int
	findings int
	errors   int
	last     string    // the last operation finished
	printed  time.Time // when the last line was written (not a terminal)
	drawn    bool      // a live line is on the terminal
	err      error     // the first write error
	stop     chan struct{}
	stopped  chan struct{}
}

// NewProgress returns a Progress of a check of total operations writing to
// w, which is a terminal when terminal is set (IsTerminal). now is the
// clock (time.Now; tests pass a fake one).
func NewProgress(w io.Writer, terminal bool, total int, now func() time.Time) *Progress {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &Progress{w: w, terminal: terminal, now: now, total: total, start: t, printed: t}
}

// IsTerminal reports whether w is a terminal that can redraw a line (not
// TERM=dumb).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Operation records that op's probes all ran, with these results; its
// signature is probes.Config.Progress's.
func (p *Progress) Operation(op *openapi.Operation, results []probes.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	for _, r := range results {
		switch r.Verdict {
		case probes.Fail:
			p.findings++
		case probes.Error:
			p.errors++
		}
	}
	p.last = op.ID
	if p.last == "" {
		p.last = op.Method + " " + op.Path
	}
	p.last = sanitizeLine(p.last) // the document's text, not the terminal's commands
	now := p.now()
	switch {
	case p.terminal:
		p.draw(now)
	case now.Sub(p.printed) >= ProgressInterval:
		p.printed = now
		p.write("idemcheck: " + p.status(now) + " (last: " + p.last + ")\n")
	}
}

// Refresh redraws the terminal line, so the elapsed time and the estimate
// move while no operation finishes; elsewhere it does nothing.
func (p *Progress) Refresh() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && p.stop != nil {
		p.draw(p.now())
	}
}

// Start redraws the terminal line every interval until Finish; elsewhere
// it does nothing.
func (p *Progress) Start(interval time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.terminal || p.stop != nil || interval <= 0 {
		return
	}
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	p.draw(p.now())
	go func(stop, stopped chan struct{}) {
		defer close(stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.Refresh()
			}
		}
	}(p.stop, p.stopped)
}

// Finish stops the redrawing and clears the terminal line, so what follows
// starts on a clean line. It returns the first write error.
func (p *Progress) Finish() error {
	p.mu.Lock()
	stop, stopped := p.stop, p.stopped
	p.stop = nil
	p.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.write("\r\x1b[K")
		p.drawn = false
	}
	return p.err
}

// draw redraws the terminal line. p.mu is held.
func (p *Progress) draw(now time.Time) {
	p.write("\r\x1b[K" + p.status(now))
	p.drawn = true
}

// status is the progress as one line without its end: "37/200 operations,
// 2 findings, 1m12s elapsed, about 5m41s left". p.mu is held.
func (p *Progress) status(now time.Time) string {
	elapsed := now.Sub(p.start)
	parts := []string{
		fmt.Sprintf("%d/%d operations", p.done, p.total),
		plural(p.findings, "finding"),
	}
	if p.errors > 0 {
		parts = append(parts, plural(p.errors, "error"))
	}
	parts = append(parts, roundSeconds(elapsed).String()+" elapsed")
	if p.done > 0 && p.done < p.total {
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
		parts = append(parts, "about "+roundSeconds(left).String()+" left")
	}
	return strings.Join(parts, ", ")
}

// write writes s, remembering the first error; later writes are skipped.
// p.mu is held.
func (p *Progress) write(s string) {
	if p.err != nil {
		return
	}
	if _, err := io.WriteString(p.w, s); err != nil {
		p.err = fmt.Errorf("write progress: %w", err)
	}
}

// roundSeconds rounds d to the second (to the 100 ms below a second).
func roundSeconds(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
