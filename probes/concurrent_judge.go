package probes

import (
	"fmt"
	"slices"

	"github.com/idemcheck/idemcheck/internal/ablate"
)

// roundFindings is what one round of concurrent copies showed, by kind:
// safety problems fail the probe at its severity, conformance problems (a
// copy refused safely, with a status the profile does not name) at minor,
// and notes are symptoms that belong to another probe's property.
type roundFindings struct {
	safety, conformance, notes []string
	// inconclusive says why the round proves nothing, quoting the server:
	// the request itself was refused (or throttled), not processed at all.
	inconclusive string
}

// judge decides the round. The stored result is what the retry after the
// round returned; when that retry was not a 2xx, its symptom is replay's (a
// retry of a completed key must get the stored result), and the copies are
// held to the first successful copy instead. Copies that got what that
// retry got were answered as retries of a completed key, not as in-flight
// duplicates: replay's matter too. A 2xx copy that differs from the stored
// result is "processed more than once" only when the round shows it: another
// resource id, or (without one) no observed side effect to tell; with one
// side effect and one resource, the difference is in how a replay is
// rendered, which is replay's property.
func (o *roundOutcome) judge(ignore []string, prof *Profile, observed bool, one int) roundFindings {
	var f roundFindings
	ref := o.settle
	if !o.settle.is2xx() {
		ref = nil
		for _, r := range o.replies {
			if r.is2xx() {
				ref = r
				break
			}
		}
		if ref == nil {
			if why := o.refusedRound(prof); why != "" {
				f.inconclusive = why
				return f
			}
			f.safety = append(f.safety, fmt.Sprintf("no copy was processed (%s) and the retry after the round got %d", o.statusCounts(), o.settle.Status))
			return f
		}
		if o.settle.refused() {
			f.notes = append(f.notes, fmt.Sprintf("the retry after the round got %d, not the stored result: see replay", o.settle.Status))
		} else { // a server error or a throttle is no refusal of a retry
			f.safety = append(f.safety, fmt.Sprintf("the retry after the round got %d, not the stored result", o.settle.Status))
		}
	}
	var differing, asRetry, refused, throttled, others int
	var ids []string
	for i, r := range o.replies {
		switch {
		case r.is2xx():
			if id := resourceID(r); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			if d := prof.replayDiff(ref, r, ignore); d != "" { // profile.go: PayPal replays the latest status
				differing++
				if differing == 1 {
					o.diffs = append(o.diffs, fmt.Sprintf("copy %d vs stored result (-stored +copy):\n%s", i+1, d))
				}
			}
		case prof.acceptsInFlight(r.Status): // 409, or the profile's in-flight statuses (profile.go)
		case o.settle.refused() && r.Status == o.settle.Status:
			asRetry++
		case r.refused():
			refused++
		case r.throttled(): // "later": not processed, and no evidence of anything
			throttled++
		default:
			others++
		}
	}
	if differing > 0 {
		switch {
		case len(ids) > 1:
			f.safety = append(f.safety, fmt.Sprintf("%d successful responses differ from the stored result and name %d different resources (processed more than once)", differing, len(ids)))
		case len(ids) == 1:
			f.notes = append(f.notes, "successful copies differ from the stored result but name the same resource: replays are not rendered identically, see replay")
		case observed && o.effect == one:
			f.notes = append(f.notes, "successful copies differ from the stored result although the round had one request's side effect: replays are not rendered identically, see replay")
		default:
			f.safety = append(f.safety, fmt.Sprintf("%d successful responses differ from the stored result (processed more than once)", differing))
		}
	}
	if asRetry > 0 {
		f.notes = append(f.notes, fmt.Sprintf("copies answered after the first completed got %d like the retry: see replay", o.settle.Status))
	}
	if throttled > 0 {
		f.notes = append(f.notes, "some copies were throttled (429 or 503): they were not processed, and prove nothing")
	}
	if refused > 0 {
		f.conformance = append(f.conformance, fmt.Sprintf("%d copies refused (%s)", refused, o.statusCounts()))
	}
	if others > 0 {
		f.safety = append(f.safety, fmt.Sprintf("%d responses were neither the stored result nor %s (%s)", others, statusList(prof.InFlightStatuses), o.statusCounts()))
	}
	return f
}

// refusedRound says, quoting the server, why a round in which no copy was
// processed proves nothing: every copy was refused (a 4xx, in flight
// included) or throttled, and so was the retry after the round. The
// request itself was refused: a balance, a quota or a stock ran out, or
// the server wants it later. That is no defect of idempotency, and no
// evidence of its absence either. "" when the round is not such a round
// (a 5xx, say, is judged).
func (o *roundOutcome) refusedRound(prof *Profile) string {
	if ablate.Off(ablate.RefusedRounds) { // before part 4: a refused round was a defect
		return ""
	}
	if !o.settle.refused() && !o.settle.throttled() {
		return ""
	}
	var quoted *reply
	for _, r := range o.replies {
		switch {
		case r.throttled():
			return fmt.Sprintf("the request was throttled (%s; retry after the round: %s)", o.statusCounts(), refusal(o.settle))
		case prof.acceptsInFlight(r.Status):
		case r.refused():
			if quoted == nil {
				quoted = r
			}
		default:
			return ""
		}
	}
	if o.settle.throttled() {
		return fmt.Sprintf("the request was throttled (%s; retry after the round: %s)", o.statusCounts(), refusal(o.settle))
	}
	if quoted == nil {
		quoted = o.settle
	}
	return fmt.Sprintf("the request was refused (%s; retry after the round: status %d): %s", o.statusCounts(), o.settle.Status, refusal(quoted))
}
