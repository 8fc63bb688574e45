package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// naturalPutProbe sends the same PUT twice, without a key. Control: the
// first PUT is processed (2xx) and the resource can be read back after it.
// Treatment: the second PUT must be processed too (never a 5xx), leave the
// resource exactly as the first left it (volatile fields aside) and add
// nothing to the list beside it. A version counter that grows on every PUT
// is the typical defect: a client retrying a timed-out PUT changes state.
type naturalPutProbe struct{}

func (naturalPutProbe) ID() string         { return "natural-put" }
func (naturalPutProbe) Title() string      { return "the same PUT twice leaves the same state" }
func (naturalPutProbe) Severity() Severity { return Major }
func (naturalPutProbe) exclusive() bool    { return true }
func (naturalPutProbe) Applies(op *openapi.Operation) string {
	if op.Method != http.MethodPut {
		return "not a PUT"
	}
	return ""
}

func (naturalPutProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	res.Rule = naturalRule
	res.Fix = "make PUT a replacement computed from the request alone: an identical PUT must not bump a version or counter, append history, or fail; a timestamp that must change can be left out with --ignore-field"
	listNote := useListObserver(ctx, x)
	ignore := x.ignoreFields
	var get string
	if x.Op.Resource != nil {
		get = x.Op.Resource.Get
	}

	first, err := x.Send(ctx, "first PUT", "", nil)
	if err != nil {
		errorf(res, "first PUT: %v", err)
		return
	}
	if !first.is2xx() {
		errorf(res, "%s", notProcessedLine("the first PUT", "repeating it proves nothing", first))
		return
	}
	var before *reply
	if get != "" {
		if before, err = x.getResource(ctx, "GET after the first PUT", get); err != nil {
			errorf(res, "GET %s after the first PUT: %v", get, err)
			return
		}
		if !before.is2xx() {
			errorf(res, "GET %s after a successful PUT answered %d, so the state cannot be compared", get, before.Status)
			return
		}
	}

	var second *reply
	effect, observed, err := x.Measure(ctx, "second, identical PUT", func() error {
		var err error
		second, err = x.Send(ctx, "second, identical PUT", "", nil)
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
		after, err := x.getResource(ctx, "GET after the second PUT", get)
		if err != nil {
			errorf(res, "GET %s after the second PUT: %v", get, err)
			return
		}
		if d, changed := stateDiff(before, after, ignore); d != "" {
			what := "the resource"
			if len(changed) > 0 {
				what = strings.Join(changed, ", ")
			}
			problems = append(problems, fmt.Sprintf("the second PUT changed %s%s", what, timestampHint(changed)))
			res.Diffs = append(res.Diffs, fmt.Sprintf("GET %s after the first vs after the second PUT (-first +second):\n%s", get, d))
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
		nonconformant(res, refusal+"; a repeated PUT succeeds (RFC 9110 §9.2.2), though this refusal changed nothing"+stateNote(before != nil, observed))
		return
	}
	switch {
	case before != nil:
		pass(res, fmt.Sprintf("the second, identical PUT got %d and left GET %s unchanged%s%s", second.Status, get, listEffectNote(observed, x), listNote))
	default:
		pass(res, fmt.Sprintf("the second, identical PUT got %d (no GET on the same path: the state was not compared)%s%s", second.Status, listEffectNote(observed, x), listNote))
	}
}

// listEffectNote says what a natural probe's list count showed.
func listEffectNote(observed bool, x *Experiment) string {
	if !observed {
		return ""
	}
	return fmt.Sprintf(" and did not change the count of %s", x.Observer.Name())
}

// stateNote says what a refusal that changed nothing was checked against.
func stateNote(read, counted bool) string {
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
