package probes

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// chainedRefund is POST /v1/payments/{id}/refunds planned with the
// document's example id, which does not exist, and its {id} chained to
// createPayment (issue 16: every probe on it used to get 404).
func chainedRefund() openapi.Operation {
	parent := createPayment()
	path := "/v1/payments/pay_doesnotexist/refunds"
	return openapi.Operation{
		ID: "createRefund", Method: "POST", Path: "/v1/payments/{id}/refunds",
		Key: openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: path,
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 10}}},
		Collection: &openapi.Collection{Path: path},
		Chain:      []openapi.Link{{Param: "id", From: "createPayment", Pointer: "/id", Source: "inferred from the path", Producer: &parent}},
	}
}

// TestChainedOperationGetsItsOwnParent: each experiment creates its own
// payment, so the refunds pass on a correct server and no two experiments
// share a parent (missing-key creates a second of its own for the request
// without a key, chain_round.go).
func TestChainedOperationGetsItsOwnParent(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	op := chainedRefund()
	env := Env{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Timeout: 5 * time.Second}
	probes, err := Select([]string{"replay", "concurrent", "missing-key"})
	if err != nil {
		t.Fatal(err)
	}
	parents := map[string]string{}
	for _, r := range Run(context.Background(), []openapi.Operation{op}, probes, env) {
		if r.Verdict != Pass {
			t.Errorf("%s: %s: %s", r.Probe, r.Verdict, r.Reason)
		}
		for _, ex := range r.Evidence {
			if !strings.HasPrefix(ex.Label, "setup: create the parent {id}") || ex.Response == nil {
				continue
			}
			id := ex.Response.Body[strings.Index(ex.Response.Body, `"pay_`)+1:]
			id = id[:strings.IndexByte(id, '"')]
			if other, dup := parents[id]; dup {
				t.Errorf("%s and %s share the parent %s", other, r.Probe, id)
			}
			parents[id] = r.Probe
		}
	}
	for _, p := range probes {
		if !slices.Contains(slices.Collect(maps.Values(parents)), p.Meta(nil).ID) {
			t.Errorf("parents created: %v, none by %s", parents, p.Meta(nil).ID)
		}
	}
}

// TestParentRefusedIsAnErrorQuotingTheServer: a parent that cannot be
// created makes the probes error, with the parent's status and message.
func TestParentRefusedIsAnErrorQuotingTheServer(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	op := chainedRefund()
	op.Chain[0].Producer.Request.Body = &openapi.Body{ContentType: "application/json", Value: map[string]any{"currency": "usd"}}
	env := Env{BaseURL: srv.URL, Timeout: 5 * time.Second}
	probes, _ := Select([]string{"replay"})
	r := Run(context.Background(), []openapi.Operation{op}, probes, env)[0]
	if r.Verdict != Error || !strings.Contains(r.Reason, `status 400: "amount must be an integer from 1 to 100000000"`) || !strings.Contains(r.Reason, "createPayment") {
		t.Errorf("got %s: %s; want an error quoting the parent's 400 and its message", r.Verdict, r.Reason)
	}
}

// TestRefusedControlQuotesTheServer: issue 16's UUID-only API refused every
// control; the error now says what the server said.
func TestRefusedControlQuotesTheServer(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"error":{"type":"invalid_request_error","message":"the key must be a UUID"}}`, `status 400: "the key must be a UUID"`},
		{`{"detail":"bad key","title":"Bad Request"}`, `status 400: "bad key"`},
		{`{"errors":[{"message":"first"}]}`, `status 400: "first"`},
		{"plain\ntext", `status 400: "plain text"`},
		{"", "status 400"},
		{strings.Repeat("x", 300), `status 400: "` + strings.Repeat("x", 200) + `…"`},
	}
	for _, tt := range tests {
		if got := refusal(&reply{Status: 400, Body: []byte(tt.body)}); got != tt.want {
			t.Errorf("refusal(%q) = %s, want %s", tt.body, got, tt.want)
		}
	}
}

// TestUUIDKeysAccepted: an operation whose key must be a UUID gets UUIDs
// from every probe, its control included (issue 16).
func TestUUIDKeysAccepted(t *testing.T) {
	srv := httptestServe(t, payments.Options{UUIDKeys: true})
	op := createPayment()
	op.Key.Format = &openapi.KeyFormat{Format: openapi.KeyFormatUUID}
	env := Env{BaseURL: srv, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Timeout: 5 * time.Second}
	probes, _ := Select([]string{"replay", "key-format", "missing-key"})
	for _, r := range Run(context.Background(), []openapi.Operation{op}, probes, env) {
		if r.Verdict != Pass {
			t.Errorf("%s: %s: %s", r.Probe, r.Verdict, r.Reason)
		}
	}
}

func httptestServe(t *testing.T, opts payments.Options) string {
	t.Helper()
	srv := httptest.NewServer(payments.New(opts))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCrossPrincipalOnChainedOperation: principal B acts on a parent of its
// own, so B's control is processed and the probe reaches a verdict (A's
// parent is invisible to B: it used to be skipped with B's 404).
func TestCrossPrincipalOnChainedOperation(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	env := Env{BaseURL: srv.URL, Timeout: 5 * time.Second,
		Header:      http.Header{"Authorization": {"Bearer a-" + t.Name()}},
		OtherHeader: http.Header{"Authorization": {"Bearer b-" + t.Name()}}}
	probes, _ := Select([]string{"cross-principal"})
	r := Run(context.Background(), []openapi.Operation{chainedRefund()}, probes, env)[0]
	if r.Verdict != Pass {
		t.Errorf("cross-principal: %s: %s", r.Verdict, r.Reason)
	}
	for _, ex := range r.Evidence {
		if strings.Contains(strings.Join(ex.Request.Header["Authorization"], ""), "Bearer") {
			t.Errorf("%s: a principal's credentials are in the evidence: %v", ex.Label, ex.Request.Header)
		}
	}
}

// TestMismatchTargetOnChainedOtherOperation: the other operation a key is
// reused on gets parents of its own too, so its control is processed.
func TestMismatchTargetOnChainedOtherOperation(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	env := Env{BaseURL: srv.URL, Timeout: 5 * time.Second, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}}
	ops := []openapi.Operation{createPayment(), chainedRefund()}
	env.targets = DefaultTargets(ops)
	probes, _ := Select([]string{"mismatch-target"})
	r := Run(context.Background(), ops[:1], probes, env)[0]
	if r.Verdict != Pass || !strings.Contains(r.Reason, "operation createRefund: ") || strings.Contains(r.Reason, "not processed") {
		t.Errorf("mismatch-target: %s: %s", r.Verdict, r.Reason)
	}
}
