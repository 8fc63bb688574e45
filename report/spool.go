package report

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/idemcheck/idemcheck/probes"
)

// A large run's evidence is most of its size: every request and response of
// every probe on every operation. A Spool keeps it on disk while the run
// goes on, so memory holds only the verdicts, reasons and diffs, and the
// operations in flight; every report reads each result's evidence back when
// it writes that result (Run.Result).

// Spool collects the results of a run as its operations finish: the
// results without their evidence (the exchanges and the observers'
// snapshot diffs) in memory, the evidence in a temporary file. Add is safe for concurrent use.
type Spool struct {
	mu    sync.Mutex
	f     *os.File // nil once closed
	name  string   // the file's name, when it could not be removed while open
	size  int64
	slots [][]probes.Result // per target, as Add got them (evidence removed)
	refs  [][]evidenceRef
}

// evidenceRef is where one result's evidence is: bytes [off, off+n) of the
// file, or kept in memory (n < 0) when writing it failed.
type evidenceRef struct {
	off, n int64
	kept   spooledEvidence
}

// NewSpool returns a Spool for a run of targets operations, with its
// evidence in a new temporary file (in dir, or the system's when "").
func NewSpool(dir string, targets int) (*Spool, error) {
	f, err := os.CreateTemp(dir, "idemcheck-evidence-*")
	if err != nil {
		return nil, fmt.Errorf("evidence spool: %w", err)
	}
	s := &Spool{f: f, slots: make([][]probes.Result, targets), refs: make([][]evidenceRef, targets)}
	if os.Remove(f.Name()) != nil { // where an open file cannot be removed (Windows), Close does it
		s.name = f.Name()
	}
	runtime.AddCleanup(s, func(f *os.File) { f.Close() }, f) // a Run nobody closed
	return s, nil
}

// Add records the results of target i (each in the order of the probes):
// their evidence goes to the file, the rest stays in memory. When the file
// cannot be written, the evidence stays in memory: it is never lost.
func (s *Spool) Add(i int, results []probes.Result) {
	light := make([]probes.Result, len(results))
	refs := make([]evidenceRef, len(results))
	s.mu.Lock()
	defer s.mu.Unlock()
	for j, r := range results {
		rec := spooledEvidence{Exchanges: r.Evidence}
		if len(r.Effects) > 0 { // the snapshots' diffs are evidence too, and weigh kilobytes each
			r.Effects = slices.Clone(r.Effects)
			for k := range r.Effects {
				if r.Effects[k].Diff != "" {
					if rec.EffectDiffs == nil {
						rec.EffectDiffs = make([]string, len(r.Effects))
					}
					rec.EffectDiffs[k], r.Effects[k].Diff = r.Effects[k].Diff, ""
				}
			}
		}
		refs[j] = s.write(rec)
		r.Evidence = nil
		light[j] = r
	}
	s.slots[i], s.refs[i] = light, refs
}

// spooledEvidence is what the spool keeps of one result.
type spooledEvidence struct {
	Exchanges   []probes.Exchange
	EffectDiffs []string // Effects[i].Diff; nil when none has one
}

// write appends rec to the file (the lock held).
func (s *Spool) write(rec spooledEvidence) evidenceRef {
	if len(rec.Exchanges) == 0 && rec.EffectDiffs == nil {
		return evidenceRef{}
	}
	var buf bytes.Buffer // gob, not JSON: a body's invalid UTF-8 comes back as it was
	err := gob.NewEncoder(&buf).Encode(rec)
	b := buf.Bytes()
	if err == nil && s.f != nil {
		_, err = s.f.WriteAt(b, s.size)
	}
	if err != nil || s.f == nil {
		return evidenceRef{n: -1, kept: rec}
	}
	ref := evidenceRef{off: s.size, n: int64(len(b))}
	s.size += int64(len(b))
	return ref
}

// Run makes run's results those added, in the order of the targets, with
// their evidence read back from the spool (Run.Result). The spool belongs
// to run from then on: Run.Close closes it.
func (s *Spool) Run(run *Run) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, rs := range s.slots {
		n += len(rs)
	}
	run.Results = make([]probes.Result, 0, n)
	refs := make([]evidenceRef, 0, n)
	for i, rs := range s.slots {
		run.Results = append(run.Results, rs...)
		refs = append(refs, s.refs[i]...)
	}
	s.slots, s.refs = nil, nil
	run.spool = &spooled{s: s, refs: refs}
}

// read returns the evidence at ref.
func (s *Spool) read(ref evidenceRef) (spooledEvidence, error) {
	switch {
	case ref.n < 0:
		return ref.kept, nil
	case ref.n == 0:
		return spooledEvidence{}, nil
	}
	s.mu.Lock()
	f := s.f
	s.mu.Unlock()
	var rec spooledEvidence
	if f == nil {
		return rec, fmt.Errorf("read evidence: %w", os.ErrClosed)
	}
	b := make([]byte, ref.n)
	if _, err := f.ReadAt(b, ref.off); err != nil && err != io.EOF {
		return rec, fmt.Errorf("read evidence: %w", err)
	}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&rec); err != nil {
		return rec, fmt.Errorf("read evidence: %w", err)
	}
	return rec, nil
}

// Close closes and removes the file.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if s.name != "" {
		if rerr := os.Remove(s.name); err == nil {
			err = rerr
		}
	}
	return err
}

// spooled is a run's view of its spool: the evidence of Results[i] is at
// refs[i].
type spooled struct {
	s    *Spool
	refs []evidenceRef
}
