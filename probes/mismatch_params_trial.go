package probes

import (
	"context"
	"fmt"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// The steps of mismatch-params (mismatch_params.go): R sent with fresh
// keys around each control R′, what the parameter governs, the treatment
// and its judgement.

// rRun is one R sent with a fresh key: a possible first request of a
// treatment, under its key.
type rRun struct {
	reply  *reply
	key    string
	effect int
}

// paramsTrial is one run of the probe: what it learnt and found so far.
type paramsTrial struct {
	x    *Experiment
	res  *Result
	prev *rRun // the last R sent, whose key is still unused
	vol  volatile
	// rEffects are the side effects of the Rs, to tell a volatile effect.
	rEffects []int
	rBlind   bool

	problems, conformance, outcomes, untried []string
	// stopped says why the trial ended early without an error: R was
	// refused after it had been processed (state used up).
	stopped string
}

// vary tries pa's values and, for the first that makes a difference, the
// treatment. It returns false when the experiment ended in an error.
func (t *paramsTrial) vary(ctx context.Context, pa openapi.ParamAlt) bool {
	x, res := t.x, t.res
	var why []string
	for _, v := range pa.To {
		what := fmt.Sprintf("%s %s=%s", pa.In, pa.Name, v)
		alt := withRequest(x.Op, pa.Set(x.Op.Request, v))
		var control *reply
		label := "control: R′ (" + what + "), fresh key"
		effect, observed, err := x.Measure(ctx, label, func() error {
			var err error
			control, err = sendOp(ctx, x, alt, label, x.Key())
			return err
		})
		if err != nil {
			errorf(res, "%s: %v", label, err)
			return false
		}
		if !control.is2xx() {
			if !control.refused() {
				x.notProcessed(res, "the control ("+what+", fresh key)", control)
				return false
			}
			why = append(why, fmt.Sprintf("%s is refused even with a fresh key (%s)", what, refusal(control)))
			continue
		}
		// The next R closes the sandwich: what moves between the R before
		// and the R after the control is volatile.
		first := t.prev
		if !t.nextR(ctx) {
			if t.stopped != "" {
				t.untried = append(t.untried, fmt.Sprintf("%s %s: %s", pa.In, pa.Name, t.stopped))
			}
			return false
		}
		t.vol.learn(first.reply, t.prev.reply, x.ignoreFields)
		pointers, parts := t.governed(first.reply, control, pa)
		answers := len(pointers)+len(parts) > 0 // the response tells R′ from R
		if t.effectsTell() && observed && effect != first.effect {
			parts = append(parts, fmt.Sprintf("side effect %+d instead of %+d", effect, first.effect))
		}
		if len(pointers)+len(parts) == 0 {
			why = append(why, fmt.Sprintf("%s made no difference to the response or the side effect (volatile fields left out)", what))
			continue
		}
		res.Diffs = append(res.Diffs, fmt.Sprintf("what %s %s governs: R (%s) vs R′ (%s=%s), fresh keys, volatile fields left out (-R +R′):\n%s",
			pa.In, pa.Name, inR(pa), pa.Name, v, t.vol.diff(first.reply, control, x.ignoreFields)))
		return t.treat(ctx, pa, v, alt, first, answers, effect, observed)
	}
	t.untried = append(t.untried, fmt.Sprintf("%s %s: %s", pa.In, pa.Name, strings.Join(why, "; ")))
	return true
}

// nextR sends R with a fresh key and makes it the last R. The first R
// must be processed (else the request is wrong: an error). A later R
// refused with a 4xx is the server's state running out — a balance, a
// quota, stock the Rs used up (issue 23) — not a wrong request: the trial
// stops (t.stopped) and is judged on what it found.
func (t *paramsTrial) nextR(ctx context.Context) bool {
	x, key := t.x, t.x.Key()
	const label = "control: R, fresh key"
	var r *reply
	effect, observed, err := x.Measure(ctx, label, func() error {
		var err error
		r, err = x.Send(ctx, label, key, nil)
		return err
	})
	switch {
	case err != nil:
		errorf(t.res, "%s: %v", label, err)
		return false
	case r.refused() && t.prev != nil:
		t.stopped = fmt.Sprintf("R, processed before, was refused with a fresh key (%s): the requests use up the server's state, so the trial stopped there", refusal(r))
		return false
	case !r.is2xx():
		x.notProcessed(t.res, label, r)
		return false
	}
	if observed && !x.judgeControl(label, r.Status, effect) { // observe_settle.go
		observed = false
	}
	t.rEffects = append(t.rEffects, effect)
	t.rBlind = t.rBlind || !observed
	t.prev = &rRun{reply: r, key: key, effect: effect}
	return true
}

// effectsTell reports whether every R showed the same side effect, so a
// control's other effect is the parameter's doing.
func (t *paramsTrial) effectsTell() bool {
	if t.rBlind || len(t.rEffects) == 0 {
		return false
	}
	for _, e := range t.rEffects {
		if e != t.rEffects[0] {
			return false
		}
	}
	return true
}

// governed is where R′ differs from R beyond what is volatile: JSON
// pointers and parts of the response. A string that only echoes the query
// (a URL carrying name=value) is no difference in outcome.
func (t *paramsTrial) governed(r, alt *reply, pa openapi.ParamAlt) (pointers, parts []string) {
	ps, parts := t.vol.changed(r, alt, t.x.ignoreFields)
	va := view(alt, t.x.ignoreFields)
	for _, p := range ps {
		if s, ok := atString(va.Body, p); ok && pa.In == "query" && strings.Contains(strings.ToLower(s), strings.ToLower(pa.Name)+"=") {
			continue
		}
		pointers = append(pointers, p)
	}
	return pointers, parts
}

func atString(v any, p string) (string, bool) {
	e, ok := atPointer(v, p)
	if !ok {
		return "", false
	}
	s, ok := e.(string)
	return s, ok
}

// treat sends R′ under the key of first (R, sent before the control) and
// judges the answer. Only what shows R's stored result fails: the
// identical response, a replay marker, R's resource (where every R names
// its own), or nothing done where the control did something. Field values
// alone do not: on a server that answers random data, a field can look
// governed by the parameter by chance, and a fresh answer can match R's by
// chance too. It returns false when the experiment ended in an error.
//
// answers says whether R′'s response differs from R's; when only its side
// effect does, an identical response is what processing R′ on its own
// gives too, and only the effects can tell.
func (t *paramsTrial) treat(ctx context.Context, pa openapi.ParamAlt, v string, alt *openapi.Operation, first *rRun, answers bool, controlEffect int, controlObserved bool) bool {
	x, res := t.x, t.res
	what := fmt.Sprintf("%s %s=%s (R %s)", pa.In, pa.Name, v, inR(pa))
	key := first.key
	var reuse *reply
	label := "reuse: R′ (" + pa.In + " " + pa.Name + "=" + v + ") with the key of the R before its control"
	effect, observed, err := x.Measure(ctx, label, func() error {
		var err error
		reuse, err = sendOp(ctx, x, alt, label, key)
		return err
	})
	if err != nil {
		errorf(res, "%s: %v", label, err)
		return false
	}
	prof := x.Profile()
	marker, _ := prof.replayMarker(reuse)
	if m, _ := prof.replayMarker(t.prev.reply); m != "" {
		marker = "" // the server marks fresh answers too: the marker tells nothing
	}
	firstID := resourceID(first.reply)
	switch {
	case reuse.throttled():
		errorf(res, "the reuse got %d (come back later), which says nothing about the key; run again with less load (--parallel, --concurrency, --rate)", reuse.Status)
		return false
	case reuse.Status >= 500:
		t.problems = append(t.problems, fmt.Sprintf("%s got a server error (%d) for a valid request with a reused key", what, reuse.Status))
	case reuse.is2xx() && marker != "":
		t.problems = append(t.problems, fmt.Sprintf("%s was answered with a response marked %s: R's stored result, although the control shows it means something else", what, marker))
	case reuse.is2xx() && answers && diffReplies(first.reply, reuse, x.ignoreFields) == "":
		t.problems = append(t.problems, fmt.Sprintf("%s was answered with R's stored result (status %d, identical response) although the control shows it means something else", what, reuse.Status))
	case reuse.is2xx() && firstID != "" && firstID != resourceID(t.prev.reply) && resourceID(reuse) == firstID:
		t.problems = append(t.problems, fmt.Sprintf("%s was answered about R's resource %q", what, firstID))
	case reuse.is2xx() && observed && controlObserved && controlEffect > 0 && effect == 0:
		t.problems = append(t.problems, fmt.Sprintf("%s was answered %d but did nothing (side effect %+d; the control %+d): a false replay", what, reuse.Status, effect, controlEffect))
	case reuse.is2xx() && !answers && observed && controlObserved && effect == first.effect && effect != controlEffect:
		t.problems = append(t.problems, fmt.Sprintf("%s was answered %d and did what R does (side effect %+d), not what R′ does (%+d)", what, reuse.Status, effect, controlEffect))
	case reuse.is2xx() && !answers:
		t.untried = append(t.untried, fmt.Sprintf("%s %s: R′ differs from R only in its side effect, and the reuse's (%+d) cannot tell a replay from R′ processed on its own", pa.In, pa.Name, effect))
		return true
	case reuse.is2xx():
		t.outcomes = append(t.outcomes, fmt.Sprintf("%s: processed on its own (%d)", what, reuse.Status))
		return true
	case reuse.refused() && observed && effect != 0:
		t.problems = append(t.problems, fmt.Sprintf("%s was refused with %d but still added %d side effect(s)", what, reuse.Status, effect))
	case reuse.refused() && !prof.acceptsReuse(reuse.Status):
		t.conformance = append(t.conformance, fmt.Sprintf("%s was refused safely with %d%s, but profile %s expects %s", what, reuse.Status, rejectNote(observed), prof.Name, statusList(prof.ReuseStatuses)))
		return true
	case reuse.refused():
		t.outcomes = append(t.outcomes, fmt.Sprintf("%s: rejected (%d)%s", what, reuse.Status, rejectNote(observed)))
		return true
	default:
		errorf(res, "%s was answered %d: neither processed nor refused, so nothing can be concluded", what, reuse.Status)
		return false
	}
	d := diffReplies(first.reply, reuse, x.ignoreFields)
	if d == "" {
		d = "identical\n"
	}
	res.Diffs = append(res.Diffs, fmt.Sprintf("R vs the reuse of its key with %s %s=%s (-R +reuse):\n%s", pa.In, pa.Name, v, d))
	return true
}

// inR says what R sends of pa: "leaves it out, default true", "sends usd".
func inR(pa openapi.ParamAlt) string {
	switch {
	case pa.From != "":
		return "sends " + pa.From
	case pa.Default != "":
		return "leaves it out, default " + pa.Default
	}
	return "leaves it out"
}

// verdict sets the result from what the trial found.
func (t *paramsTrial) verdict(left []string) {
	res := t.res
	var notes []string
	if len(t.untried) > 0 {
		notes = append(notes, "not tried: "+strings.Join(t.untried, "; "))
	}
	if len(left) > 0 {
		notes = append(notes, "not varied: "+strings.Join(left, "; "))
	}
	if len(notes) > 0 {
		res.Diffs = append(res.Diffs, strings.Join(notes, "\n"))
	}
	switch {
	case len(t.problems) > 0:
		fail(res, strings.Join(t.problems, "; "))
	case len(t.conformance) > 0:
		nonconformant(res, strings.Join(t.conformance, "; "))
	case len(t.outcomes) == 0 && t.stopped != "":
		skip(res, "not tried: "+strings.Join(t.untried, "; "))
	case len(t.outcomes) == 0:
		skip(res, "no parameter made a difference with a fresh key, so a replay across it would prove nothing: "+strings.Join(t.untried, "; "))
	default:
		pass(res, "the key reused with other parameter values was never answered with R's result: "+strings.Join(t.outcomes, "; "))
	}
}
