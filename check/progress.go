package check

import (
	"io"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// ShowProgress makes Run show on w how far it is (report.Progress): one
// line redrawn in place on a terminal, whole lines now and then elsewhere,
// cleared before Run returns.
func (c *Check) ShowProgress(w io.Writer) { c.showTo = w }

// runProgress is what Run tells of its progress: to OnProgress's function
// and ShowProgress's line.
type runProgress struct {
	fn   func(*openapi.Operation, []probes.Result)
	line *report.Progress // nil when not shown
}

// startProgress starts showing the progress of a run of n operations.
func (c *Check) startProgress(n int) *runProgress {
	p := &runProgress{fn: c.progress}
	if c.showTo != nil {
		p.line = report.NewProgress(c.showTo, report.IsTerminal(c.showTo), n, nil)
		p.line.Start(time.Second)
	}
	return p
}

// operation is told of every operation whose probes all ran, from the
// workers, concurrently.
func (p *runProgress) operation(op *openapi.Operation, results []probes.Result) {
	if p.fn != nil {
		p.fn(op, results)
	}
	if p.line != nil {
		p.line.Operation(op, results)
	}
}

// finish clears the progress line; its error is the first write that
// failed.
func (p *runProgress) finish() error {
	if p.line == nil {
		return nil
	}
	return p.line.Finish()
}
