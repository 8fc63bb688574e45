package report

import (
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

// TestBoundBodyKeepsTheStartAndTheDiffsPlace: a long body keeps its start
// and the member a diff points at, whole and with the separators around
// it, marks every cut, and counts the bytes it left out.
func TestBoundBodyKeepsTheStartAndTheDiffsPlace(t *testing.T) {
	filler := strings.Repeat(`"pad":"0123456789abcdef0123456789",`, 400) // 14 KiB
	body := `{"object":"payment",` + filler + `"id":"pay_2","nested":{"amount":100},` + filler + `"end":true}`
	got, cut := boundBody(body, []string{"/id", "/nested/amount"}, firstBudget)
	if !strings.HasPrefix(got, body[:firstBudget.body]) {
		t.Errorf("the start is not kept: %.80q", got)
	}
	for _, want := range []string{`"id":"pay_2",`, `"amount":100}`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s is not kept whole:\n%s", want, got[firstBudget.body:])
		}
	}
	if n := strings.Count(got, "...[truncated "); n != 2 {
		t.Errorf("%d cut marks, want 2 (after the start, after the places)", n)
	}
	kept := len(got) - 2*len(truncatedMarker(cut/2)) // about
	if cut <= 0 || cut+kept < len(body)-20 || cut+kept > len(body)+20 || len(got) > firstBudget.body+512 {
		t.Errorf("cut %d of %d bytes, kept %d", cut, len(body), len(got))
	}
	if same, n := boundBody(`{"id":"pay_1"}`, []string{"/id"}, laterBudget); same != `{"id":"pay_1"}` || n != 0 {
		t.Errorf("a short body was changed: %q, %d", same, n)
	}
}

// TestBoundBodyHugeValue: a place longer than the window keeps the window's
// worth of its start; a body that is not JSON keeps its start.
func TestBoundBodyHugeValue(t *testing.T) {
	huge := strings.Repeat("x", 10_000)
	body := strings.Repeat(" ", 2000) + `{"a":"` + huge + `"}`
	got, _ := boundBody(body, []string{"/a"}, laterBudget)
	if !strings.Contains(got, `"a":"xxx`) || len(got) > laterBudget.body+laterBudget.window+2*laterBudget.context+100 {
		t.Errorf("%d bytes: %.120q…", len(got), got)
	}
	text := strings.Repeat("plain text ", 1000)
	got, cut := boundBody(text, []string{"/a"}, laterBudget)
	if !strings.HasPrefix(got, text[:laterBudget.body]) || cut != len(text)-laterBudget.body {
		t.Errorf("text: cut %d, %.60q", cut, got)
	}
}

// TestProvingExchanges: a later result of a kind keeps what proves it: no
// setup or control, the first exchange its reason or diffs name and the
// one before it (what a diff compares), laterBudget.exchanges in all; a
// result with only controls keeps those.
func TestProvingExchanges(t *testing.T) {
	labels := func(xs []probes.Exchange) string {
		var l []string
		for _, x := range xs {
			l = append(l, x.Label)
		}
		return strings.Join(l, ", ")
	}
	ex := func(ls ...string) []probes.Exchange {
		var xs []probes.Exchange
		for _, l := range ls {
			xs = append(xs, probes.Exchange{Label: l})
		}
		return xs
	}
	tests := []struct {
		reason string
		ev     []probes.Exchange
		want   string
		gone   int
	}{
		{"retry 1 differs", ex("setup: create the parent", "first request", "retry 1", "retry 2"), "first request, retry 1", 2},
		{"empty key: accepted (201)", ex("control: well-formed fresh key", "256-character key", "64 KiB key", "key with a comma", "key with a space", "empty key", "bare form (key)"), "key with a space, empty key", 5},
		{"the control failed", ex("control: fresh key"), "control: fresh key", 0},
		{"drop at once: first vs second retry differ", ex("control: one request", "dropped: at once", "retry (attempt 1)", "second retry", "dropped: after 50ms", "retry (attempt 1)", "second retry"), "retry (attempt 1), second retry", 5},
	}
	for _, tt := range tests {
		got, gone := provingExchanges(probes.Result{Reason: tt.reason, Evidence: tt.ev}, laterBudget.exchanges)
		if labels(got) != tt.want || gone != tt.gone {
			t.Errorf("%s: kept %q (%d gone), want %q (%d gone)", tt.reason, labels(got), gone, tt.want, tt.gone)
		}
	}
}

// TestFirstOfKindKeepsEverything: the first result of a kind keeps all its
// exchanges, a later one of the same kind fewer, and a result of another
// kind (another reason shape) is a first again.
func TestFirstOfKindKeepsEverything(t *testing.T) {
	run := largeFixtureRun()
	s := newShown(run)
	var replays []int
	for i, r := range run.Results {
		if r.Probe == "replay" {
			replays = append(replays, i)
		}
	}
	first, err := s.result(replays[0])
	if err != nil {
		t.Fatal(err)
	}
	later, err := s.result(replays[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Evidence) != 4 || first.EvidenceOmitted != 0 {
		t.Errorf("first: %d exchanges, %d omitted; want 4, 0", len(first.Evidence), first.EvidenceOmitted)
	}
	if len(later.Evidence) != 2 || later.EvidenceOmitted != 2 {
		t.Errorf("later: %d exchanges, %d omitted; want 2, 2", len(later.Evidence), later.EvidenceOmitted)
	}
	s.full = true
	if full, _ := s.result(replays[1]); len(full.Evidence) != 4 || full.Evidence[1].Response.BodyCut != 0 {
		t.Errorf("--evidence full: %d exchanges", len(full.Evidence))
	}
}
