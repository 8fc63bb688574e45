package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// naturalDeleteProbe sends the same DELETE twice, without a key (each with
// a fresh key of its own when the document requires one: natural_key.go), against a
// resource it first makes sure exists (read with its GET). The resource is
// the experiment's own when its chain created it (the PUT on the same path,
// under a fresh id, or the parent collection's POST: chain.go), so no other
// probe's state is touched and nothing needs putting back. Control: the
// first DELETE is processed (2xx). Treatment: the second must get 2xx, 404
// or 410 — never a 5xx — and change nothing: the list beside it keeps its
// count and the resource reads back as after the first.
type naturalDeleteProbe struct{}

func (naturalDeleteProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "natural-delete",
		Title:    "the same DELETE twice changes nothing more",
		Severity: Major,
		Rule:     naturalRule,
		Fix:      "treat a DELETE of a resource that is already gone as done: answer 204/200 or 404/410 and change nothing else; never fail with a 5xx",
	}
}

func (naturalDeleteProbe) exclusive() bool { return true }
func (naturalDeleteProbe) Applies(op *openapi.Operation) string {
	if op.Method != http.MethodDelete {
		return "not a DELETE"
	}
	return ""
}

func (naturalDeleteProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	r := x.Op.Resource
	if r == nil {
		r = &openapi.Resource{}
	}

	created := creator(x.Op)
	skipReason, readNote, err := ensureResource(ctx, x, r, created)
	if err != nil {
		errorf(res, "%v", err)
		return
	}
	if skipReason != "" {
		skip(res, skipReason)
		return
	}
	listNote := useListObserver(ctx, x)
	keys := x.naturalKeys() // natural_key.go

	var first *reply
	firstEffect, observed, err := x.Measure(ctx, "first DELETE", func() error {
		var err error
		first, err = keys.send(ctx, "first DELETE")
		return err
	})
	if err != nil {
		errorf(res, "first DELETE: %v", err)
		return
	}
	switch {
	case (first.Status == http.StatusNotFound || first.Status == http.StatusGone) && r.Get == "" && created == "":
		skip(res, fmt.Sprintf("nothing to delete: the first DELETE got %d and there is neither a GET on the same path nor an operation that creates the resource", first.Status))
		return
	case !first.is2xx():
		x.refused(res, "the first DELETE", "repeating it proves nothing", first)
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
		second, err = keys.send(ctx, "second, identical DELETE")
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
	keyNote := keys.note("DELETE")
	if len(problems) > 0 {
		if refusal != "" {
			problems = append([]string{refusal}, problems...)
		}
		fail(res, strings.Join(problems, "; ")+keyNote)
		return
	}
	if refusal != "" {
		nonconformant(res, refusal+", though it changed nothing"+stateNoteOf(before != nil, observed)+keyNote)
		return
	}
	state := " (no GET on the same path: the state was not compared)"
	switch {
	case before != nil:
		state = fmt.Sprintf(" and left GET %s as the first DELETE did (%d)", r.Get, before.Status)
	case stateNote != "":
		state = " (" + stateNote + ")"
	}
	pass(res, fmt.Sprintf("the second, identical DELETE got %d%s%s%s%s", second.Status, state, listEffectNote(observed, x), listNote, keyNote))
}

// ensureResource makes sure the resource exists before it is deleted: read
// with its GET (without one, the first DELETE tells). created names what
// made it for this experiment; "" when the document's example names it. It
// returns why the probe cannot run, or readNote when the read does not tell
// (the GET was inferred from the document: a transport error, a status
// other than 2xx, 404 or 410): the first DELETE tells then, and the state
// is not compared. An error only when ctx ended.
func ensureResource(ctx context.Context, x *Experiment, r *openapi.Resource, created string) (skipReason, readNote string, err error) {
	if r.Get == "" {
		return "", "", nil
	}
	got, err := x.getResource(ctx, "GET before: does the resource exist?", r.Get, r.GetRead)
	switch {
	case err != nil && ctx.Err() != nil:
		return "", "", err
	case err != nil:
		return "", fmt.Sprintf("GET %s failed (%v), so the state is not compared", r.Get, err), nil
	case got.is2xx():
		return "", "", nil
	case got.Status != http.StatusNotFound && got.Status != http.StatusGone:
		return "", fmt.Sprintf("GET %s answered %d, so whether the resource exists is unknown and the state is not compared", r.Get, got.Status), nil
	case created != "":
		return fmt.Sprintf("the resource %s does not read back (GET %d) right after %s created it, so there is nothing known to delete", r.Get, got.Status, created), "", nil
	}
	return fmt.Sprintf("the resource %s does not exist (GET %d) and nothing in the document creates it (no PUT on the same path, no POST on its collection)", r.Get, got.Status), "", nil
}
