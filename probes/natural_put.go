package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// naturalPutProbe sends the same PUT twice, without a key (each with a
// fresh key of its own when the document requires one: natural_key.go). Control: the
// first PUT is processed (2xx) and the resource can be read back after it.
// Treatment: the second PUT must be processed too (never a 5xx), leave the
// resource exactly as the first left it (volatile fields aside) and add
// nothing to the list beside it. A version counter that grows on every PUT
// is the typical defect: a client retrying a timed-out PUT changes state.
type naturalPutProbe struct{}

func (naturalPutProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "natural-put",
		Title:    "the same PUT twice leaves the same state",
		Severity: Major,
		Rule:     naturalRule,
		Fix:      "make PUT a replacement computed from the request alone: an identical PUT must not bump a version or counter, append history, or fail; a timestamp that must change can be left out with --ignore-field",
	}
}

func (naturalPutProbe) exclusive() bool { return true }
func (naturalPutProbe) Applies(op *openapi.Operation) string {
	if op.Method != http.MethodPut {
		return "not a PUT"
	}
	return ""
}

func (naturalPutProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	listNote := useListObserver(ctx, x)
	get, _ := x.stateRead() // natural_state.go
	keys := x.naturalKeys() // natural_key.go

	first, err := keys.send(ctx, "first PUT")
	if err != nil {
		errorf(res, "first PUT: %v", err)
		return
	}
	if !first.is2xx() {
		x.refused(res, "the first PUT", "repeating it proves nothing", first)
		return
	}
	// The state before the second PUT, read twice with nothing sent in
	// between: what differs is volatile (natural_state.go). A read that
	// fails leaves the state uncompared: the GET was inferred from the
	// document, and the verdict rests on the responses.
	var before *reply
	var volatile []string
	stateNote := ""
	if get != "" {
		before, volatile, stateNote, err = x.readBaseline(ctx, "GET after the first PUT", "GET again, nothing sent (control: what changes by itself)")
		if err != nil {
			errorf(res, "%v", err)
			return
		}
	}

	var second *reply
	effect, observed, err := x.Measure(ctx, "second, identical PUT", func() error {
		var err error
		second, err = keys.send(ctx, "second, identical PUT")
		return err
	})
	if err != nil {
		errorf(res, "second PUT: %v", err)
		return
	}

	var problems []string
	var refusal string // a refusal that changed nothing is a conformance finding
	switch {
	case second.Status >= 500:
		problems = append(problems, fmt.Sprintf("the second, identical PUT failed with %d", second.Status))
	case second.refused():
		refusal = fmt.Sprintf("the second, identical PUT was refused with %d (the first got %d)", second.Status, first.Status)
	case !second.is2xx():
		problems = append(problems, fmt.Sprintf("the second, identical PUT got %d (the first got %d)", second.Status, first.Status))
	}
	if observed && effect != 0 {
		problems = append(problems, fmt.Sprintf("the second PUT changed the count of %s by %+d", x.Observer.Name(), effect))
	}
	if before != nil {
		_, read := x.stateRead()
		after, err := x.getResource(ctx, "GET after the second PUT", get, read)
		switch {
		case err != nil:
			before, stateNote = nil, fmt.Sprintf("GET %s after the second PUT failed (%v), so the state is not compared", get, err)
		case after.Status >= 500 || after.Status == http.StatusTooManyRequests:
			before, stateNote = nil, fmt.Sprintf("GET %s answered %d after the second PUT (a failed read, not a state), so the state is not compared", get, after.Status)
		case after.Status != before.Status:
			problems = append(problems, fmt.Sprintf("GET %s answered %d after the second PUT, %d after the first", get, after.Status, before.Status))
		default:
			d, changed, vol, err := x.compareState(ctx, before, after, volatile, "GET again after the second PUT, nothing sent (control: what changes by itself)")
			if err != nil {
				errorf(res, "%v", err)
				return
			}
			volatile = vol
			if d != "" {
				what := "the resource"
				if len(changed) > 0 {
					what = strings.Join(changed, ", ")
				}
				problems = append(problems, fmt.Sprintf("the second PUT changed %s%s", what, timestampHint(changed)))
				res.Diffs = append(res.Diffs, fmt.Sprintf("GET %s after the first vs after the second PUT (-first +second):\n%s", get, d))
			}
		}
	}
	if n := volatileNote(get, volatile); n != "" {
		res.Diffs = append(res.Diffs, n)
	}
	keyNote := keys.note("PUT")
	if len(problems) > 0 {
		if refusal != "" {
			problems = append([]string{refusal}, problems...)
		}
		fail(res, strings.Join(problems, "; ")+keyNote)
		return
	}
	if refusal != "" {
		nonconformant(res, refusal+"; a repeated PUT succeeds (RFC 9110 §9.2.2), though this refusal changed nothing"+stateNoteOf(before != nil, observed)+keyNote)
		return
	}
	switch {
	case before != nil:
		pass(res, fmt.Sprintf("the second, identical PUT got %d and left GET %s unchanged%s%s%s", second.Status, get, listEffectNote(observed, x), listNote, keyNote))
	case stateNote != "":
		pass(res, fmt.Sprintf("the second, identical PUT got %d (%s)%s%s%s", second.Status, stateNote, listEffectNote(observed, x), listNote, keyNote))
	default:
		pass(res, fmt.Sprintf("the second, identical PUT got %d (no GET on the same path: the state was not compared)%s%s%s", second.Status, listEffectNote(observed, x), listNote, keyNote))
	}
}

// readBaseline reads the resource's state after the first request of a
// natural probe, and again with nothing sent (stateControl): it returns the
// reading the treatment is compared with and the volatile fields, or nil
// and why the state is not compared. Only a stopped run is an error.
func (x *Experiment) readBaseline(ctx context.Context, label, again string) (*reply, []string, string, error) {
	get, read := x.stateRead()
	first, err := x.getResource(ctx, label, get, read)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, "", err
		}
		return nil, nil, fmt.Sprintf("GET %s failed (%v), so the state is not compared", get, err), nil
	}
	if !first.is2xx() && x.Op.Method == http.MethodPut {
		return nil, nil, fmt.Sprintf("GET %s answered %d after a successful PUT, so the state is not compared", get, first.Status), nil
	}
	second, volatile, skip, err := x.stateControl(ctx, first, again)
	if err != nil {
		return nil, nil, "", err
	}
	if skip != "" {
		return nil, nil, skip, nil
	}
	return second, volatile, "", nil
}

// listEffectNote says what a natural probe's list count showed.
func listEffectNote(observed bool, x *Experiment) string {
	if !observed {
		return ""
	}
	return fmt.Sprintf(" and did not change the count of %s", x.Observer.Name())
}

// stateNoteOf says what a refusal that changed nothing was checked against.
func stateNoteOf(read, counted bool) string {
	switch {
	case read && counted:
		return " (the resource read back the same and the list kept its count)"
	case read:
		return " (the resource read back the same)"
	case counted:
		return " (the list kept its count)"
	}
	return " (no GET and no list on the same path: judged on the response only)"
}
