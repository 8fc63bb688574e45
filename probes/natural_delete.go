package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// naturalDeleteProbe sends the same DELETE twice, without a key, against a
// resource it first makes sure exists (read with its GET, created with the
// PUT on the same path when missing). Control: the first DELETE is processed
// (2xx). Treatment: the second must get 2xx, 404 or 410 — never a 5xx — and
// change nothing: the list beside it keeps its count and the resource reads
// back as after the first. A resource that existed before is put back
// afterwards (with the planned PUT) so later probes still find it.
type naturalDeleteProbe struct{}

func (naturalDeleteProbe) ID() string         { return "natural-delete" }
func (naturalDeleteProbe) Title() string      { return "the same DELETE twice changes nothing more" }
func (naturalDeleteProbe) Severity() Severity { return Major }
func (naturalDeleteProbe) exclusive() bool    { return true }
func (naturalDeleteProbe) Applies(op *openapi.Operation) string {
	if op.Method != http.MethodDelete {
		return "not a DELETE"
	}
	return ""
}

func (naturalDeleteProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	res.Rule = naturalRule
	res.Fix = "treat a DELETE of a resource that is already gone as done: answer 204/200 or 404/410 and change nothing else; never fail with a 5xx"
	r := x.Op.Resource
	if r == nil {
		r = &openapi.Resource{}
	}

	existed, skipReason, readNote, err := ensureResource(ctx, x, r)
	if err != nil {
		errorf(res, "%v", err)
		return
	}
	if skipReason != "" {
		skip(res, skipReason)
		return
	}
	if existed && r.Put != nil {
		defer func() {
			_, _ = x.sendRequest(context.WithoutCancel(ctx), "restore: the PUT that recreates the resource", r.Put)
		}()
	}
	listNote := useListObserver(ctx, x)

	var first *reply
	firstEffect, observed, err := x.Measure(ctx, "first DELETE", func() error {
		var err error
		first, err = x.Send(ctx, "first DELETE", "", nil)
		return err
	})
	if err != nil {
		errorf(res, "first DELETE: %v", err)
		return
	}
	switch {
	case (first.Status == http.StatusNotFound || first.Status == http.StatusGone) && r.Get == "" && r.Put == nil:
		skip(res, fmt.Sprintf("nothing to delete: the first DELETE got %d and there is neither a GET nor a PUT on the same path to find or create the resource", first.Status))
		return
	case !first.is2xx():
		errorf(res, "the first DELETE was not processed (%s), so repeating it proves nothing; fix the request (-H, --config) first", refusal(first))
		return
	}
	// The state after the first DELETE, read twice with nothing sent in
	// between (natural_state.go); a read that fails leaves it uncompared.
	var before *reply
	var volatile []string
	stateNote := readNote
	if r.Get != "" && readNote == "" {
		before, volatile, stateNote, err = x.readBaseline(ctx, "GET after the first DELETE", "GET again, nothing sent (control: what changes by itself)")
		if err != nil {
			errorf(res, "%v", err)
			return
		}
	}

	var second *reply
	effect, measured, err := x.Measure(ctx, "second, identical DELETE", func() error {
		var err error
		second, err = x.Send(ctx, "second, identical DELETE", "", nil)
		return err
	})
	if err != nil {
		errorf(res, "second DELETE: %v", err)
		return
	}
	observed = observed && measured
	var problems []string
	var refusal string // a refusal that changed nothing is a conformance finding
	switch {
	case second.Status >= 500:
		problems = append(problems, fmt.Sprintf("the second, identical DELETE failed with %d; it must answer 2xx, 404 or 410", second.Status))
	case second.is2xx() || second.Status == http.StatusNotFound || second.Status == http.StatusGone:
	case second.refused():
		refusal = fmt.Sprintf("the second, identical DELETE was refused with %d; it should answer 2xx, 404 or 410", second.Status)
	default:
		problems = append(problems, fmt.Sprintf("the second, identical DELETE got %d; it must answer 2xx, 404 or 410", second.Status))
	}
	if observed && effect != 0 {
		problems = append(problems, fmt.Sprintf("the second DELETE changed the count of %s by %+d (the first: %+d)", x.Observer.Name(), effect, firstEffect))
	}
	if before != nil {
		after, err := x.getResource(ctx, "GET after the second DELETE", r.Get, r.GetRead)
		switch {
		case err != nil:
			before, stateNote = nil, fmt.Sprintf("GET %s after the second DELETE failed (%v), so the state is not compared", r.Get, err)
		case after.Status >= 500 || after.Status == http.StatusTooManyRequests:
			before, stateNote = nil, fmt.Sprintf("GET %s answered %d after the second DELETE (a failed read, not a state), so the state is not compared", r.Get, after.Status)
		case !before.is2xx() && !after.is2xx() && before.Status == after.Status:
			// Two "not found" answers are the same state whatever their
			// bodies say (request ids, timestamps).
		case before.Status != after.Status:
			problems = append(problems, fmt.Sprintf("GET %s reads differently after the second DELETE (status %d → %d)", r.Get, before.Status, after.Status))
		default: // a soft-deleted resource that still reads 2xx must read the same
			d, _, vol, err := x.compareState(ctx, before, after, volatile, "GET again after the second DELETE, nothing sent (control: what changes by itself)")
			if err != nil {
				errorf(res, "%v", err)
				return
			}
			volatile = vol
			if d != "" {
				problems = append(problems, fmt.Sprintf("GET %s reads differently after the second DELETE (status %d → %d)", r.Get, before.Status, after.Status))
				res.Diffs = append(res.Diffs, fmt.Sprintf("GET %s after the first vs after the second DELETE (-first +second):\n%s", r.Get, d))
			}
		}
	}
	if n := volatileNote(r.Get, volatile); n != "" {
		res.Diffs = append(res.Diffs, n)
	}
	if len(problems) > 0 {
		if refusal != "" {
			problems = append([]string{refusal}, problems...)
		}
		fail(res, strings.Join(problems, "; "))
		return
	}
	if refusal != "" {
		nonconformant(res, refusal+", though it changed nothing"+stateNoteOf(before != nil, observed))
		return
	}
	state := " (no GET on the same path: the state was not compared)"
	switch {
	case before != nil:
		state = fmt.Sprintf(" and left GET %s as the first DELETE did (%d)", r.Get, before.Status)
	case stateNote != "":
		state = " (" + stateNote + ")"
	}
	pass(res, fmt.Sprintf("the second, identical DELETE got %d%s%s%s", second.Status, state, listEffectNote(observed, x), listNote))
}

// ensureResource makes sure the resource exists before it is deleted:
// read with its GET, created with the PUT on the same path when missing (or
// when there is no GET to tell). It returns whether the resource existed
// before, or why the probe cannot run; an error when a request the probe
// needs failed. A read that does not tell (the GET was inferred from the
// document: a transport error, a status other than 2xx, 404 or 410) is no
// error: readNote says so, the resource is created with the PUT when there
// is one (or the first DELETE tells), and the state is not compared.
func ensureResource(ctx context.Context, x *Experiment, r *openapi.Resource) (existed bool, skipReason, readNote string, err error) {
	if r.Get != "" {
		got, err := x.getResource(ctx, "GET before: does the resource exist?", r.Get, r.GetRead)
		switch {
		case err != nil && ctx.Err() != nil:
			return false, "", "", err
		case err != nil:
			readNote = fmt.Sprintf("GET %s failed (%v), so the state is not compared", r.Get, err)
		case got.is2xx():
			return true, "", "", nil
		case got.Status != http.StatusNotFound && got.Status != http.StatusGone:
			readNote = fmt.Sprintf("GET %s answered %d, so whether the resource exists is unknown and the state is not compared", r.Get, got.Status)
		case r.Put == nil:
			return false, fmt.Sprintf("the resource %s does not exist (GET %d) and no PUT on the same path can create it", r.Get, got.Status), "", nil
		}
	}
	if r.Put == nil {
		return false, "", readNote, nil // the first DELETE tells
	}
	put, err := x.sendRequest(ctx, "create: the PUT on the same path", r.Put)
	if err != nil {
		return false, "", "", fmt.Errorf("PUT %s: %w", r.Put.Path, err)
	}
	if !put.is2xx() {
		return false, fmt.Sprintf("the resource could not be created first (PUT %s answered %d)", r.Put.Path, put.Status), "", nil
	}
	if r.Get != "" && readNote == "" {
		got, err := x.getResource(ctx, "GET after creating it", r.Get, r.GetRead)
		switch {
		case err != nil && ctx.Err() != nil:
			return false, "", "", err
		case err != nil:
			readNote = fmt.Sprintf("GET %s failed (%v), so the state is not compared", r.Get, err)
		case !got.is2xx():
			readNote = fmt.Sprintf("GET %s answered %d right after the PUT that created it, so the state is not compared", r.Get, got.Status)
		}
	}
	return false, "", readNote, nil
}
