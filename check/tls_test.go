package check

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/probes"
)

// TestPrivateCA: a TLS server whose certificate only --cacert vouches for
// is refused without it and checked with it, by every sender.
func TestPrivateCA(t *testing.T) {
	srv := httptest.NewUnstartedServer(payments.New(payments.Options{}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := paymentsOptions(srv.URL)
	opts.Operations = []string{"createPayment"}
	opts.Probes = []string{"replay", "concurrent", "retry-after-drop"}

	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := c.Load(t.Context())
	plan, _ := c.Plan(t.Context(), doc)
	// It answered the handshake: not "unreachable", but a certificate to
	// trust (issue 23).
	if _, err := c.Run(t.Context(), plan); err == nil || !strings.Contains(err.Error(), "failed the TLS handshake") || !strings.Contains(err.Error(), "--cacert") {
		t.Errorf("without --cacert: %v; want the TLS handshake failed (unknown authority) and --cacert advised", err)
	}

	for _, mode := range []string{"h2", "last-byte"} {
		opts.CACert, opts.RaceMode = ca, mode
		for _, r := range runCheck(t, t.Context(), opts).Results {
			if r.Verdict != probes.Pass {
				t.Errorf("--cacert, %s: %s %s (%s)", mode, r.Probe, r.Verdict, r.Reason)
			}
		}
	}
}

// TestTLSOptionErrorsAreUsageErrors: a missing CA file or half a client key
// pair is one line before anything is sent.
func TestTLSOptionErrorsAreUsageErrors(t *testing.T) {
	opts := paymentsOptions("https://127.0.0.1:1")
	opts.CACert = filepath.Join(t.TempDir(), "nope.pem")
	if _, err := New(opts); err == nil || !strings.Contains(err.Error(), "nope.pem") {
		t.Errorf("missing CA file: %v", err)
	}
	opts = paymentsOptions("https://127.0.0.1:1")
	opts.ClientCert = "cert.pem"
	if _, err := New(opts); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("half a key pair: %v", err)
	}
}
