package report

import (
	"sort"

	"github.com/idemcheck/idemcheck/probes"
)

// This file walks a run for Redactor.Run: every string it holds is scrubbed
// in a copy, so the caller's results are left untouched.

// Run returns a scrubbed copy of run (nil for nil).
func (r *Redactor) Run(run *Run) *Run {
	if run == nil {
		return nil
	}
	out := *run
	out.Tool = r.String(run.Tool)
	out.Spec = r.String(run.Spec)
	out.BaseURL = r.String(run.BaseURL)
	out.Cleanup = r.cleanup(run.Cleanup) // cleanup.go
	out.Results = nil
	if run.Results != nil {
		out.Results = make([]probes.Result, len(run.Results))
		for i, res := range run.Results {
			out.Results[i] = r.result(res)
		}
	}
	return &out
}

// result scrubs one result.
func (r *Redactor) result(res probes.Result) probes.Result {
	// Fields are scrubbed in place on copies, so none a later change adds
	// (a position, a truncation flag) is lost on the way.
	op := &res.Operation
	op.ID, op.Method, op.Path, op.File = r.String(op.ID), r.String(op.Method), r.String(op.Path), r.String(op.File)
	res.Probe = r.String(res.Probe)
	res.Title = r.String(res.Title)
	res.Reason = r.String(res.Reason)
	res.Rule = r.String(res.Rule)
	res.Fix = r.String(res.Fix)
	res.Diffs = r.strings(res.Diffs)
	if res.Evidence != nil {
		ev := make([]probes.Exchange, len(res.Evidence))
		for i, x := range res.Evidence {
			ev[i] = r.exchange(x)
		}
		res.Evidence = ev
	}
	if res.Effects != nil {
		effects := make([]probes.Effect, len(res.Effects))
		for i, e := range res.Effects {
			e.Observer = r.String(e.Observer)
			e.Step = r.String(e.Step)
			e.Added = r.strings(e.Added)
			e.Removed = r.strings(e.Removed)
			e.Diff = r.String(e.Diff)
			e.Note = r.String(e.Note)
			effects[i] = e
		}
		res.Effects = effects
	}
	return res
}

// exchange scrubs one exchange: its request, response and error.
func (r *Redactor) exchange(x probes.Exchange) probes.Exchange {
	x.Label = r.String(x.Label)
	x.Err = r.String(x.Err)
	x.Request.Method = r.String(x.Request.Method)
	x.Request.URL = r.String(x.Request.URL)
	x.Request.Header = r.header(x.Request.Header)
	x.Request.Body = r.body(x.Request.Body)
	if x.Response != nil {
		resp := *x.Response
		resp.Header = r.header(resp.Header)
		resp.Body = r.body(resp.Body)
		x.Response = &resp
	}
	return x
}

// header scrubs header names and values; names that scrub to the same text
// keep all their values, in the order of the names.
func (r *Redactor) header(h map[string][]string) map[string][]string {
	if h == nil {
		return nil
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string][]string, len(h))
	for _, name := range names {
		scrubbed := r.String(name)
		out[scrubbed] = append(out[scrubbed], r.strings(h[name])...)
	}
	return out
}

// strings scrubs each of ss, in a new slice (nil for nil).
func (r *Redactor) strings(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = r.String(s)
	}
	return out
}
