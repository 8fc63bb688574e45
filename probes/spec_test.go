package probes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

func TestSpecProbe(t *testing.T) {
	header := func(required bool) openapi.Key {
		return openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: required, Source: "header parameter"}
	}
	documented := &openapi.Docs{KeyDeclared: true, Retention: "Keys expire after 24 hours."}
	tests := []struct {
		name   string
		op     openapi.Operation
		want   Verdict
		reason []string // substrings of the reason
	}{
		{"required key with retention", openapi.Operation{Method: "POST", Path: "/v1/payments", Key: header(true), Docs: documented},
			Pass, []string{"declared (required)", "Keys expire after 24 hours."}},
		{"optional key, not money", openapi.Operation{Method: "POST", Path: "/v1/reports", Key: header(false), Docs: documented},
			Pass, []string{"(optional)"}},
		{"optional key on payments", openapi.Operation{Method: "POST", Path: "/v1/payments", Key: header(false), Docs: documented},
			Fail, []string{"optional although the operation moves money (\"payments\")"}},
		{"optional key, money in the operationId", openapi.Operation{ID: "CreateChargeV2", Method: "POST", Path: "/v2/c", Key: header(false), Docs: documented},
			Fail, []string{`("charge")`}},
		{"optional key, money in a tag", openapi.Operation{Method: "PATCH", Path: "/v1/x", Key: header(false), Docs: &openapi.Docs{KeyDeclared: true, Retention: "r 1 day", Tags: []string{"Payouts"}}},
			Fail, []string{`("payouts")`}},
		{"'border' is not an order", openapi.Operation{Method: "POST", Path: "/v1/borders", Key: header(false), Docs: documented},
			Pass, nil},
		{"no retention", openapi.Operation{Method: "POST", Path: "/v1/reports", Key: header(true), Docs: &openapi.Docs{KeyDeclared: true}},
			Fail, []string{"no retention or expiry of Idempotency-Key keys is documented"}},
		{"no key", openapi.Operation{Method: "POST", Path: "/v1/reports", Docs: &openapi.Docs{}},
			Fail, []string{"the POST declares no idempotency key"}},
		{"key only from a flag", openapi.Operation{Method: "PATCH", Path: "/v1/reports", Key: openapi.Key{In: openapi.KeyHeader, Name: "X-K", Source: "--key-header flag"}, Docs: &openapi.Docs{Retention: "keys expire in 1 day"}},
			Fail, []string{"the PATCH declares no idempotency key"}},
		{"PUT needs no key", openapi.Operation{Method: "PUT", Path: "/v1/payments/{id}", Docs: &openapi.Docs{}},
			Pass, []string{"idempotent by definition"}},
		{"DELETE needs no key", openapi.Operation{Method: "DELETE", Path: "/v1/payments/{id}", Docs: &openapi.Docs{}},
			Pass, []string{"idempotent by definition"}},
		{"not read at all", openapi.Operation{Method: "POST", Path: "/:id", Skip: "Express-style path"},
			Skip, []string{"could not be read"}},
	}
	// Nothing listens here: the spec probe must not need the server.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.op.ID == "" {
				tt.op.ID = tt.op.Method + " " + tt.op.Path
			}
			r := runOneProbe(t, specProbe{}, srv.URL, tt.op, Config{})
			if r.Verdict != tt.want {
				t.Fatalf("verdict %s (%s), want %s", r.Verdict, r.Reason, tt.want)
			}
			for _, s := range tt.reason {
				if !strings.Contains(r.Reason, s) {
					t.Errorf("reason %q lacks %q", r.Reason, s)
				}
			}
			if r.Verdict == Fail && (r.Rule == "" || r.Fix == "") {
				t.Errorf("a failure without rule or fix: %+v", r)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the spec probe sent %d requests, want none", n)
	}
}

// TestStaticProbeRunsOnUnplannedOperations: the runner skips every probe
// that sends traffic on an operation without a planned request, but not
// the spec probe, which reads only the document.
func TestStaticProbeRunsOnUnplannedOperations(t *testing.T) {
	op := openapi.Operation{ID: "createOrder", Method: "POST", Path: "/orders", Skip: "no valid request: …", Docs: &openapi.Docs{}}
	results := Run(context.Background(), []openapi.Operation{op}, All(), Config{BaseURL: "http://127.0.0.1:1"})
	for _, r := range results {
		want := Skip
		if r.Probe == "spec" {
			want = Fail // the document declares no key
		}
		if r.Verdict != want {
			t.Errorf("%s: verdict %s (%s), want %s", r.Probe, r.Verdict, r.Reason, want)
		}
	}
}
