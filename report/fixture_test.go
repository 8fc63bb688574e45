package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/probes"
)

var (
	update     = flag.Bool("update", false, "rewrite golden files")
	screenshot = flag.String("screenshot", "", "also save a PNG of the HTML report, rendered by Chromium, to this path")
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got); run go test -update if intended:\n%s", name, diff)
	}
}

var (
	payments = probes.OperationRef{ID: "createPayment", Method: "POST", Path: "/v1/payments", File: "examples/payments/openapi.yaml", Line: 42}
	users    = probes.OperationRef{ID: "updateUser", Method: "PUT", Path: "/v1/users/{id}", File: "examples/payments/paths/users.yaml", Line: 7}
)

// bigBody is 10 KiB of JSON, to exercise truncation, whose "id" near its
// end a diff points at (it is kept).
var bigBody = `{"items":[` + strings.Repeat(`"0123456789abcdef",`, 538) + `"end"],"id":"pay_2","amount":100}`

// fixtureRun is a fixed run across two operations with a pass, a failure
// (diff, effects, evidence with an ESC character, invalid UTF-8 and a 10 KiB
// body), an error, a skip, and a minor conformance failure below the gate.
func fixtureRun() *Run {
	started := time.Date(2025, 1, 2, 3, 4, 5, 678_000_000, time.FixedZone("CET", 3600))
	header := func(kv ...string) map[string][]string {
		h := make(map[string][]string)
		for i := 0; i < len(kv); i += 2 {
			h[kv[i]] = append(h[kv[i]], kv[i+1])
		}
		return h
	}
	return &Run{
		Tool:     "idemcheck 0.1.0",
		Spec:     "examples/payments/openapi.yaml",
		BaseURL:  "http://admin:s3cret@localhost:8080",
		Started:  started,
		Duration: 3456789 * time.Microsecond,
		Gate:     probes.Major,
		Results: []probes.Result{
			{
				Operation: payments, Probe: "replay", Title: "a retry returns the stored result",
				Verdict: probes.Pass, Severity: probes.Critical,
				Reason:   "the replay returned the stored 201 response; 1 payment created",
				Duration: 125 * time.Millisecond,
			},
			{
				Operation: payments, Probe: "concurrent", Title: "concurrent retries create one payment",
				Verdict: probes.Fail, Severity: probes.Critical, Class: probes.Safety,
				Reason: "5 concurrent requests with one key created 2 payments\n(round 2 of 3)",
				Rule:   "draft-ietf-httpapi-idempotency-key-header-07 §2.6: a retry while the first is in flight gets 409 Conflict",
				Fix:    "lock the key before processing; answer concurrent retries with 409 or the stored result",
				Diffs: []string{
					"replay vs first (-first +replay):\n  status 201 = 201\n  header Content-Type: \"application/json\" = \"application/json\"\n  body /id: \"pay_1\" → \"pay_2\"\n  body: 1 other value equal",
				},
				Effects: []probes.Effect{
					{Observer: "collection GET /v1/payments", Step: "first request", Before: 3, After: 4},
					{Observer: "collection GET /v1/payments", Step: "concurrent retries", Before: 4, After: 5,
						Added: []string{"pay_2 (in no recorded response)"},
						Diff:  "  map[string]string{\n  \t\"pay_1\": `{\"id\":\"pay_1\"}`,\n+ \t\"pay_2\": `{\"id\":\"pay_2\"}`,\n  }\n"},
				},
				Evidence: []probes.Exchange{
					{
						Label: "first",
						Request: probes.RequestRecord{
							Method: "POST", URL: "http://localhost:8080/v1/payments",
							Header: header("Idempotency-Key", "idem-7f3a", "Content-Type", "application/json", "Authorization", "REDACTED"),
							Body:   `{"amount":100,"currency":"EUR"}`,
						},
						Response: &probes.Response{
							Status: 201,
							Header: header("Content-Type", "application/json", "X-Debug", "\x1b[31mred\x1b[0m \x1b bell\x07"),
							Body:   "{\"id\":\"pay_1\",\"note\":\"caf\xe9 \xff\xfe\x00 \x1b[1mbold\x1b[0m\"}",
						},
						Elapsed: 12 * time.Millisecond,
					},
					{
						Label: "replay",
						Request: probes.RequestRecord{
							Method: "POST", URL: "http://localhost:8080/v1/payments",
							Header: header("Idempotency-Key", "idem-7f3a", "Content-Type", "application/json"),
							Body:   `{"amount":100,"currency":"EUR"}`,
						},
						Response: &probes.Response{
							Status: 201,
							Header: header("Content-Type", "application/json"),
							Body:   bigBody,
						},
						Elapsed: 9500 * time.Microsecond,
					},
				},
				Duration: 2*time.Second + 345678*time.Microsecond,
			},
			{
				Operation: payments, Probe: "mismatch-body", Title: "a reused key with another body is rejected",
				Verdict: probes.Error, Severity: probes.Major,
				Reason: "control request failed: read tcp: connection reset by \x1b[31mpeer\x1b[0m",
				Evidence: []probes.Exchange{{
					Label:   "control",
					Request: probes.RequestRecord{Method: "POST", URL: "http://localhost:8080/v1/payments", Body: `{"amount":200}`},
					Err:     "read tcp 127.0.0.1:51234->127.0.0.1:8080: read: connection reset by peer",
					Elapsed: 3 * time.Millisecond,
				}},
				Duration: 3 * time.Millisecond,
			},
			{
				Operation: users, Probe: "missing-key", Title: "a request without a key is rejected",
				Verdict: probes.Skip, Severity: probes.Major,
				Reason: "the operation declares no idempotency key",
			},
			{
				Operation: users, Probe: "natural-put", Title: "the same PUT twice leaves the same state",
				Verdict: probes.Fail, Severity: probes.Minor, Class: probes.Conformance,
				Reason:   `the second, identical PUT was refused with 409 <& 'already exists'> (the first got 200); the state is unchanged`,
				Diffs:    []string{"first vs second PUT (-first +second):\n  status 200 → 409\n  resource id \"usr_1\" = \"usr_1\""},
				Duration: 40 * time.Millisecond,
			},
		},
	}
}
