package check

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/report"
)

// TestRunStreamsEvidence: a check keeps its results' evidence out of
// memory (issue 27), reads it back whole and scrubbed of the -H values,
// and writes every report from it.
func TestRunStreamsEvidence(t *testing.T) {
	srv := httptest.NewServer(payments.New(payments.Options{Flaw: payments.FlawNoIdempotency}))
	t.Cleanup(srv.Close)
	opts := paymentsOptions(srv.URL)
	opts.Headers = []string{"Authorization: Bearer stream-secret-token"}
	run := runCheck(t, context.Background(), opts)
	defer run.Close()
	exchanges := 0
	for i, r := range run.Results {
		if r.Evidence != nil {
			t.Fatalf("%s %s holds its evidence in memory", r.Operation.Name(), r.Probe)
		}
		full, err := run.Result(i)
		if err != nil {
			t.Fatal(err)
		}
		exchanges += len(full.Evidence)
		for _, x := range full.Evidence {
			if strings.Contains(strings.Join(x.Request.Header["Authorization"], ""), "stream-secret-token") {
				t.Fatalf("%s %s: the spool kept the credential", r.Operation.Name(), r.Probe)
			}
		}
	}
	if exchanges == 0 || run.Counts().Fail == 0 {
		t.Fatalf("%d exchanges, %+v", exchanges, run.Counts())
	}
	var full, bounded bytes.Buffer
	if err := (report.JSONOptions{FullEvidence: true}).Write(&full, run); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&bounded, run); err != nil {
		t.Fatal(err)
	}
	fullSize := full.Len()
	back, err := report.ReadJSON(&full)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range back.Results {
		n += len(r.Evidence)
	}
	if n != exchanges {
		t.Errorf("--evidence full wrote %d exchanges, the run has %d", n, exchanges)
	}
	if !strings.Contains(bounded.String(), `"evidence": "bounded"`) || bounded.Len() >= fullSize {
		t.Errorf("bounded JSON %d bytes, full %d", bounded.Len(), fullSize)
	}
}
