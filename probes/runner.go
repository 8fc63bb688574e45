package probes

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// Run runs every probe on every operation and returns one Result per
// (operation, probe), in the order of ops and then of probes, whatever order
// they finished in. Operations that share a side-effect observer run one
// after another, so one's requests never show up in another's counts; the
// groups run env.Parallel at a time. Cancelling ctx stops the run: the
// probes not yet run come back as errors.
//
// Run settles every operation with the defaults (DefaultTargets); RunTargets
// takes targets settled otherwise (the configuration's observers and
// expectations).
func Run(ctx context.Context, ops []openapi.Operation, probes []Probe, env Env) []Result {
	return RunTargets(ctx, DefaultTargets(ops), probes, env)
}

// RunTargets is Run on targets whose settings the caller settled, one
// Result per (target, probe) in the order of targets and then of probes.
func RunTargets(ctx context.Context, targets []Target, probes []Probe, env Env) []Result {
	results := make([]Result, len(targets)*len(probes))
	StreamTargets(ctx, targets, probes, env, func(i int, rs []Result) {
		copy(results[i*len(probes):], rs)
	})
	return results
}

// StreamTargets is RunTargets for a caller that writes results as they
// come rather than holding a whole run's evidence: it calls emit(i, rs)
// once per target, with the results of targets[i] in the order of probes,
// as soon as its probes all ran (from the workers, concurrently), and for
// the targets cancellation left unrun at the end. It keeps no result.
func StreamTargets(ctx context.Context, targets []Target, probes []Probe, env Env, emit func(i int, results []Result)) {
	e := env.withDefaults()
	targets = slices.Clone(targets)    // dropping an observer must not change the caller's
	done := make([]bool, len(targets)) // each index written by the one worker that ran it; read after Wait

	dropped := dropUnusableObservers(ctx, e, targets) // observe_preflight.go
	e.plan(targets)
	groups := groupByObserver(targets)
	jobs := make(chan []int)
	var wg sync.WaitGroup
	for w := 0; w < min(e.Parallel, len(groups)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for group := range jobs {
				for _, i := range group {
					note := dropped[targets[i].Op]
					rs := make([]Result, len(probes))
					for j, p := range probes {
						r := runOne(ctx, e, targets[i], p)
						if note != "" && r.Verdict != Skip {
							r.Diffs = append(r.Diffs, note)
						}
						rs[j] = r
					}
					if e.Progress != nil { // env.go
						e.Progress(targets[i].Op, slices.Clone(rs))
					}
					done[i] = true
					emit(i, rs)
				}
			}
		}()
	}
produce:
	for _, g := range groups {
		select {
		case jobs <- g:
		case <-ctx.Done():
			break produce
		}
	}
	close(jobs)
	wg.Wait()

	// What cancellation left unrun, so every pair has a result.
	for i, t := range targets {
		if done[i] {
			continue
		}
		rs := make([]Result, len(probes))
		for j, p := range probes {
			rs[j] = newResult(t.Op, p)
			errorf(&rs[j], "not run: %v", context.Cause(ctx))
		}
		emit(i, rs)
	}
}

// RunOne runs probe p on targets[i] alone and returns its result; the other
// targets stay known to the probes that need another one (mismatch-target).
// It is how a test runs one (operation, probe) pair as a subtest.
func RunOne(ctx context.Context, targets []Target, i int, p Probe, env Env) Result {
	e := env.withDefaults()
	targets = slices.Clone(targets)
	note := dropUnusableObservers(ctx, e, targets[i:i+1])[targets[i].Op]
	e.plan(targets)
	r := runOne(ctx, e, targets[i], p)
	if note != "" && r.Verdict != Skip {
		r.Diffs = append(r.Diffs, note)
	}
	return r
}

// groupByObserver groups the indexes of targets that share an observer (the
// same collection, or a configured observer declared for several).
func groupByObserver(targets []Target) [][]int {
	var groups [][]int
	byName := map[string]int{}
	for i, t := range targets {
		names := observedBy(t, targets) // chain.go: its observer's and its parents' creates'
		if len(names) == 0 {
			groups = append(groups, []int{i})
			continue
		}
		g := -1
		for _, n := range names {
			if j, ok := byName[n]; ok && g < 0 {
				g = j
			}
		}
		if g < 0 {
			g = len(groups)
			groups = append(groups, nil)
		}
		for _, n := range names {
			if _, ok := byName[n]; !ok {
				byName[n] = g
			}
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// newResult starts the result of p on op.
func newResult(op *openapi.Operation, p Probe) Result {
	ref := OperationRef{ID: op.ID, Method: op.Method, Path: op.Path}
	if op.Position != nil { // where in the document: JUnit, SARIF and annotations point there
		ref.File, ref.Line = op.Position.File, op.Position.Line
	}
	m := p.Meta(nil) // the same under every profile
	return Result{
		Operation: ref,
		Probe:     m.ID,
		Title:     m.Title,
		Severity:  m.Severity,
	}
}

// runOne runs one probe on one operation. A probe that panics yields an
// error result rather than taking the whole run down.
func runOne(ctx context.Context, env *Env, t Target, p Probe) (res Result) {
	op := t.Op
	res = newResult(op, p)
	if op.Skip != "" && !isStatic(p) { // spec.go: static probes read only the document
		skip(&res, "operation not planned: "+op.Skip)
		return res
	}
	if reason := p.Applies(op); reason != "" {
		skip(&res, reason)
		return res
	}
	if a, ok := p.(envApplier); ok { // cost.go: before the chain makes parents for nothing
		if reason := a.appliesWith(env); reason != "" {
			skip(&res, reason)
			return res
		}
	}
	if err := ctx.Err(); err != nil {
		errorf(&res, "not run: %v", err)
		return res
	}
	defer hold(env, op, p)() // exclusive.go: probes touching other operations hold them off
	x := newExperiment(env, t)
	ctx = withSentCounter(ctx, &x.sent) // sent.go
	start := time.Now()
	defer func() {
		res.Requests = int(x.sent.Load())
		res.Created = x.Created()
		if v := recover(); v != nil {
			errorf(&res, "internal error in probe %s: %v", res.Probe, v)
		}
		res.Duration = time.Since(start)
		res.Evidence = x.Evidence()
		res.Effects = x.Effects()
		res.Diffs = append(res.Diffs, attributionNote(res.Effects)...) // observe_diff.go
		res.Diffs = append(res.Diffs, x.Notes()...)                    // observe.go: an inferred observer that failed
		if n := x.Dropped(); n > 0 {
			res.Diffs = append(res.Diffs, fmt.Sprintf("(%d more exchanges not kept as evidence)", n))
		}
	}()
	if !isStatic(p) { // chain.go: this experiment's own parents
		note, err := x.chain(ctx)
		if why, ok := setupSkipped(err); ok { // setup.go: a value nothing makes
			skip(&res, why)
			return res
		}
		if err != nil {
			errorf(&res, "%v", err)
			return res
		}
		if note != "" {
			res.Diffs = append(res.Diffs, note)
		}
	}
	m := p.Meta(x.Profile()) // the rule and fix as the operation's profile words them
	res.Rule, res.Fix = m.Rule, m.Fix
	p.Run(ctx, x, &res)
	if res.Verdict == "" {
		errorf(&res, "internal error: probe %s set no verdict", res.Probe)
	}
	return res
}
