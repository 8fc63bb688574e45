package probes

import (
	"strings"
	"testing"
)

// TestCanaryUniqueFieldServerNoFalseAlarm is the regression test for the
// defect "the canary is the same for every request of an experiment": the
// canary field (description) must be unique on this server, as references
// and names often are, so with one canary per experiment every fresh-key
// step after the first was refused with 409 and a correct server failed.
// Each key now has its own canary; retries with the same key stay
// byte-identical, so the server replays them.
func TestCanaryUniqueFieldServerNoFalseAlarm(t *testing.T) {
	api := &lagAPI{unique: true}
	srv := api.start(t)
	got := runLag(t, srv.URL, lagOp("createThing", "things", 100, true), selectProbes(t, effectProbes...))
	for _, id := range effectProbes {
		r := got[id]
		if r.Verdict != Pass {
			t.Errorf("%s: %s, want pass", id, describe(r))
		}
		if strings.Contains(strings.Join(r.Diffs, "\n"), "side effects not") {
			t.Errorf("%s: diffs %q; want side effects attributed by the canary prefix", id, r.Diffs)
		}
	}
}
