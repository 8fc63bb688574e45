package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// naturalDeleteProbe sends the same DELETE twice, without a key, against a
// resource it first makes sure exists (read with its GET). The resource is
// the experiment's own when its chain created it (the PUT on the same path,
// under a fresh id, or the parent collection's POST: chain.go), so no other
// probe's state is touched and nothing needs putting back. Control: the
// first DELETE is processed (2xx). Treatment: the second must get 2xx, 404
// or 410 — never a 5xx — and change nothing: the list beside it keeps its
// count and the resource reads back as after the first.
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

	created := creator(x.Op)
	skipReason, err := ensureResource(ctx, x, r, created)
	if err != nil {
		errorf(res, "%v", err)
		return
	}
	if skipReason != "" {
		skip(res, skipReason)
		return
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
	case (first.Status == http.StatusNotFound || first.Status == http.StatusGone) && r.Get == "" && created == "":
		skip(res, fmt.Sprintf("nothing to delete: the first DELETE got %d and there is neither a GET on the same path nor an operation that creates the resource", first.Status))
		return
	case !first.is2xx():
		errorf(res, "%s", notProcessedLine("the first DELETE", "repeating it proves nothing", first))
		return
	}
	var before *reply
	if r.Get != "" {
		if before, err = x.getResource(ctx, "GET after the first DELETE", r.Get); err != nil {
			errorf(res, "GET %s after the first DELETE: %v", r.Get, err)
			return
		}
	}

	var second *reply
	effect, _, err := x.Measure(ctx, "second, identical DELETE", func() error {
		var err error
		second, err = x.Send(ctx, "second, identical DELETE", "", nil)
		return err
	})
	if err != nil {
		errorf(res, "second DELETE: %v", err)
		return
	}
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
		after, err := x.getResource(ctx, "GET after the second DELETE", r.Get)
		if err != nil {
			errorf(res, "GET %s after the second DELETE: %v", r.Get, err)
			return
		}
		// Two "not found" answers are the same state whatever their bodies
		// say (request ids, timestamps); a soft-deleted resource that still
		// reads 2xx must read the same.
		gone := !before.is2xx() && !after.is2xx() && before.Status == after.Status
		if d, _ := stateDiff(before, after, x.ignoreFields); d != "" && !gone {
			problems = append(problems, fmt.Sprintf("GET %s reads differently after the second DELETE (status %d → %d)", r.Get, before.Status, after.Status))
			res.Diffs = append(res.Diffs, fmt.Sprintf("GET %s after the first vs after the second DELETE (-first +second):\n%s", r.Get, d))
		}
	}
	if len(problems) > 0 {
		if refusal != "" {
			problems = append([]string{refusal}, problems...)
		}
		fail(res, strings.Join(problems, "; "))
		return
	}
	if refusal != "" {
		nonconformant(res, refusal+", though it changed nothing"+stateNote(before != nil, observed))
		return
	}
	state := " (no GET on the same path: the state was not compared)"
	if before != nil {
		state = fmt.Sprintf(" and left GET %s as the first DELETE did (%d)", r.Get, before.Status)
	}
	pass(res, fmt.Sprintf("the second, identical DELETE got %d%s%s%s", second.Status, state, listEffectNote(observed, x), listNote))
}

// ensureResource makes sure the resource exists before it is deleted: read
// with its GET (without one, the first DELETE tells). created names what
// made it for this experiment; "" when the document's example names it. It
// returns why the probe cannot run; an error when a request failed.
func ensureResource(ctx context.Context, x *Experiment, r *openapi.Resource, created string) (skipReason string, err error) {
	if r.Get == "" {
		return "", nil
	}
	got, err := x.getResource(ctx, "GET before: does the resource exist?", r.Get)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", r.Get, err)
	}
	switch {
	case got.is2xx():
		return "", nil
	case got.Status != http.StatusNotFound && got.Status != http.StatusGone:
		return "", fmt.Errorf("GET %s answered %d, so whether the resource exists is unknown", r.Get, got.Status)
	case created != "":
		return fmt.Sprintf("the resource %s does not read back (GET %d) right after %s created it, so there is nothing known to delete", r.Get, got.Status, created), nil
	}
	return fmt.Sprintf("the resource %s does not exist (GET %d) and nothing in the document creates it (no PUT on the same path, no POST on its collection)", r.Get, got.Status), nil
}
