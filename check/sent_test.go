package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
)

// TestCheckCountsEveryRequestOverHTTP1 (issue 27): on a server that speaks
// HTTP/1.1 only, the HTTP/2 preface with which concurrent's auto release
// asks whether it speaks HTTP/2 reaches the handler as a request (PRI *):
// the check counts it too, in the result of the probe that sent it, so
// what the server answered is what the check counted.
func TestCheckCountsEveryRequestOverHTTP1(t *testing.T) {
	v := examples.Variants()[0]
	var served atomic.Int64
	var pri atomic.Int64
	h := countingVariant(v, &served).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PRI" {
			pri.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	opts := exampleOptions(v, srv.URL)
	opts.Probes, opts.Operations, opts.RaceBudget = []string{"replay", "concurrent"}, []string{"createPayment"}, "5"
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	doc, err := c.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.Plan(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	srv.Close()
	counted := run.SetupRequests
	for _, r := range run.Results {
		counted += r.Requests
	}
	if pri.Load() != 1 {
		t.Errorf("the server saw %d HTTP/2 prefaces as requests, want 1 (auto asks once per run)", pri.Load())
	}
	if int(served.Load()) != counted {
		t.Errorf("the server answered %d requests; the check counted %d", served.Load(), counted)
	}
}
