package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// replayMarkerProbe checks that a replay announces itself. Control: R with a
// fresh key K is processed (2xx) and carries no marker — a first response
// that claims to be a replay would make the marker meaningless. Treatment: R
// with K again must carry the profile's replay header (Idempotent-Replayed:
// true by default), so a client can tell "done now" from "done before".
type replayMarkerProbe struct{}

// Meta names the profile's replay header in the rule and the fix.
func (replayMarkerProbe) Meta(prof *Profile) Meta {
	prof = orDefault(prof)
	return Meta{
		ID:       "replay-marker",
		Title:    "a replay is marked as a replay",
		Severity: Info,
		Rule:     fmt.Sprintf("%s (profile %s): a stored result returned for a retry is marked with %s; the draft defines no such header, Stripe's Idempotent-Replayed: true is the de-facto one", prof.Source, prof.Name, markerWanted(prof)),
		Fix:      fmt.Sprintf("add %s: true to every replayed response, and never to a first response", markerName(prof)),
	}
}

func (replayMarkerProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

func (replayMarkerProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	prof := x.Profile()
	header := markerWanted(prof)
	key := x.Key()

	first := x.sendProcessed(ctx, res, "first request", key, nil)
	if first == nil {
		return
	}
	var retry *reply
	_, _, err := x.Measure(ctx, "retry", func() error { // evidence only: replay judges the side effect
		var err error
		retry, err = x.Send(ctx, "retry", key, nil)
		return err
	})
	if err != nil {
		errorf(res, "retry: %v", err)
		return
	}
	firstName, firstValue := prof.replayMarker(first)
	name, value := prof.replayMarker(retry)
	switch {
	case firstName != "":
		nonconformant(res, fmt.Sprintf("the first response already carries %s: %s, so the marker does not tell a replay apart", firstName, firstValue))
	case name == "" && !isReplayOf(first, retry):
		// Nothing to mark: the retry was refused or processed again, which
		// is replay's finding, not a missing marker.
		skip(res, fmt.Sprintf("cannot tell: the retry was not a replay of the first response (status %d → %d, resource %q → %q), so it has nothing to mark; see replay", first.Status, retry.Status, resourceID(first), resourceID(retry)))
	case name == "":
		nonconformant(res, fmt.Sprintf("the retry (status %d) carries no %s: a client cannot tell a replay from a first response", retry.Status, header))
	default:
		pass(res, fmt.Sprintf("the retry carries %s: %s and the first response none", name, value))
	}
}

// markerWanted is the marker the profile expects, as a verdict names it.
func markerWanted(p *Profile) string {
	if p.ReplayHeader != "" {
		return p.ReplayHeader
	}
	return "an Idempotent-Replayed-style header"
}

// markerName is the header the fix should add.
func markerName(p *Profile) string {
	if p.ReplayHeader != "" {
		return p.ReplayHeader
	}
	return replayHeaders[0]
}

// isReplayOf reports whether retry can be the stored result first replayed:
// the same status, and the same resource when both name one. A retry that
// differs in a volatile field only (a request id) still is one.
func isReplayOf(first, retry *reply) bool {
	if first.Status != retry.Status {
		return false
	}
	a, b := resourceID(first), resourceID(retry)
	return a == "" || b == "" || a == b
}
