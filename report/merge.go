package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrMerge is wrapped by every error of Merge: runs that are not shards of
// one run.
var ErrMerge = errors.New("cannot merge")

// Merge combines the runs of the shards of one run (probes.Shard) into one
// run, whose reports and gate are those of the whole: the results of every
// shard in the order given; the spec, gate and baseline file they must
// share; the earliest start and the span to the latest end; the base URLs
// (each job may start its own server) joined; the baseline's fixed entries
// of every shard; the cleanups of the shards that ran one, added up
// (mergeCleanups). It refuses runs of other specs, gates or baselines, and
// shards that overlap (one operation and probe in two of them).
func Merge(runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("%w: no runs", ErrMerge)
	}
	first := runs[0]
	out := &Run{Tool: first.Tool, Spec: first.Spec, Gate: first.Gate}
	where := map[string]int{} // fingerprint and occurrence → shard
	var urls []string
	var fixed []BaselineEntry
	fixedSeen := map[string]bool{}
	var end time.Time
	allStarted := true
	for i, r := range runs {
		n := i + 1
		switch {
		case r.Spec != first.Spec:
			return nil, fmt.Errorf("%w: shard %d checked %q, shard 1 %q", ErrMerge, n, r.Spec, first.Spec)
		case r.Gate != first.Gate:
			return nil, fmt.Errorf("%w: shard %d has --fail-on %s, shard 1 %s", ErrMerge, n, r.Gate, first.Gate)
		case (r.Baseline == nil) != (first.Baseline == nil):
			return nil, fmt.Errorf("%w: shard %d %s a baseline, shard 1 %s", ErrMerge, n, usedWord(r.Baseline != nil), usedWord(first.Baseline != nil))
		case r.Baseline != nil && r.Baseline.File != first.Baseline.File:
			return nil, fmt.Errorf("%w: shard %d used the baseline %q, shard 1 %q", ErrMerge, n, r.Baseline.File, first.Baseline.File)
		}
		seenHere := map[string]int{}
		for k := range r.Results {
			res, err := r.Result(k) // with its evidence, from a streamed run's spool too
			if err != nil {
				return nil, err
			}
			// A probe may report twice on one operation within a shard;
			// across shards that is an overlap.
			id := Fingerprint(res.Operation, res.Probe) + "/" + res.Operation.ID
			seenHere[id]++
			occ := fmt.Sprintf("%s#%d", id, seenHere[id])
			if s, ok := where[occ]; ok && s != n {
				return nil, fmt.Errorf("%w: %s on %s is in shard %d and shard %d: the shards overlap", ErrMerge, sanitizeLine(res.Probe), sanitizeLine(operationName(res.Operation)), s, n)
			}
			where[occ] = n
			out.Results = append(out.Results, res)
		}
		if u := r.displayBaseURL(); u != "" && !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
		if r.Baseline != nil {
			for _, e := range r.Baseline.Fixed {
				if !fixedSeen[e.Fingerprint] {
					fixedSeen[e.Fingerprint] = true
					fixed = append(fixed, e)
				}
			}
		}
		if r.Started.IsZero() {
			allStarted = false
			out.Duration = max(out.Duration, r.Duration)
			continue
		}
		if out.Started.IsZero() || r.Started.Before(out.Started) {
			out.Started = r.Started
		}
		if e := r.Started.Add(r.Duration); e.After(end) {
			end = e
		}
	}
	if allStarted {
		out.Duration = end.Sub(out.Started)
	}
	out.BaseURL = strings.Join(urls, ", ")
	out.Cleanup = mergeCleanups(runs)
	if first.Baseline != nil {
		slices.SortFunc(fixed, compareEntries)
		out.Baseline = &BaselineUse{File: first.Baseline.File, Fixed: fixed}
		if out.Baseline.Fixed == nil {
			out.Baseline.Fixed = []BaselineEntry{}
		}
	}
	return out, nil
}

// mergeCleanups adds up the cleanups of the shards that ran one (check
// --cleanup): what each created, the DELETEs each sent, what each removed
// and did not remove, in shard order. Nil when none did; a shard without
// one adds nothing.
func mergeCleanups(runs []*Run) *Cleanup {
	var out *Cleanup
	for _, r := range runs {
		c := r.Cleanup
		if c == nil {
			continue
		}
		if out == nil {
			out = &Cleanup{CanaryPrefix: c.CanaryPrefix, Removed: []CleanupItem{}, NotRemoved: []CleanupItem{}}
		}
		out.Created += c.Created
		out.Requests += c.Requests
		out.Removed = append(out.Removed, c.Removed...)
		out.NotRemoved = append(out.NotRemoved, c.NotRemoved...)
	}
	return out
}

func usedWord(used bool) string {
	if used {
		return "used"
	}
	return "did not use"
}
