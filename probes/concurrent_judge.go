package probes

import (
	"fmt"
	"slices"
)

// roundFindings is what one round of concurrent copies showed, by kind:
// safety problems fail the probe at its severity, conformance problems (a
// copy refused safely, with a status the profile does not name) at minor,
// and notes are symptoms that belong to another probe's property.
type roundFindings struct {
	safety, conformance, notes []string
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
			f.safety = append(f.safety, fmt.Sprintf("no copy was processed (%s) and the retry after the round got %d", o.statusCounts(), o.settle.Status))
			return f
		}
		if o.settle.refused() {
			f.notes = append(f.notes, fmt.Sprintf("the retry after the round got %d, not the stored result: see replay", o.settle.Status))
		} else { // a server error or a throttle is no refusal of a retry
			f.safety = append(f.safety, fmt.Sprintf("the retry after the round got %d, not the stored result", o.settle.Status))
		}
	}
	var differing, asRetry, refused, others int
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
	if refused > 0 {
		f.conformance = append(f.conformance, fmt.Sprintf("%d copies refused (%s)", refused, o.statusCounts()))
	}
	if others > 0 {
		f.safety = append(f.safety, fmt.Sprintf("%d responses were neither the stored result nor %s (%s)", others, statusList(prof.InFlightStatuses), o.statusCounts()))
	}
	return f
}
