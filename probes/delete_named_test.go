package probes

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

// TestDeleteNamingWhatItRemovedKeepsReadsQuick: a DELETE that answers with
// the object it removed ({"id": …, "deleted": true}, as Stripe's do) names
// an id the list must no longer show. The quick reading after it took the
// missing id for a list that updates late, so the list settled for the
// rest of the run, and natural-delete sent 15 requests where plan said 11
// (found holding plan's estimate to a check of bench/report's API). The id
// a DELETE names is not awaited: the run sends what plan says.
func TestDeleteNamingWhatItRemovedKeepsReadsQuick(t *testing.T) {
	srv := httptest.NewServer(&things{items: map[string]map[string]any{"seed": {"id": "seed"}}, echoDelete: true})
	t.Cleanup(srv.Close)
	create := keyedCreate("createThing", "/things")
	del := openapi.Operation{ID: "deleteThing", Method: "DELETE", Path: "/things/{id}",
		Request:  &openapi.Request{Method: "DELETE", Path: "/things/a"},
		Resource: &openapi.Resource{Get: "/things/a", List: "/things"},
		Chain:    []openapi.Link{{Param: "id", From: "createThing", Pointer: "/id", Producer: &create}}}
	targets := DefaultTargets([]openapi.Operation{create, del})
	ps := []Probe{replayProbe{}, naturalDeleteProbe{}} // replay teaches the run that the list reads at once
	env := Env{BaseURL: srv.URL, Parallel: 1}

	want := Estimate(targets, ps, env).Operations[1].Probes[0]
	got := RunTargets(context.Background(), targets, ps, env)[3]
	if got.Verdict != Pass {
		t.Fatalf("natural-delete: %s", describe(got))
	}
	if got.Requests != want.Requests {
		t.Errorf("natural-delete sent %d requests; plan says %d (%s)", got.Requests, want.Requests, want.Probe)
	}
}
