package probes

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples/payments"
)

// earlyHints sends 103 Early Hints before every POST's response, as servers
// behind CDNs do.
func earlyHints(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Link", "</style.css>; rel=preload; as=style")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Link")
		}
		h.ServeHTTP(w, r)
	})
}

// TestInformationalResponsesAreNotFinal: a 1xx (103 Early Hints) precedes the
// final response; the last-byte release took it for the answer and failed a
// correct server. Every release must read past it.
func TestInformationalResponsesAreNotFinal(t *testing.T) {
	cases := []struct {
		name  string
		start func(*testing.T, http.Handler) *httptest.Server
		mode  RaceMode
	}{
		{"http1/last-byte", serveHTTP1, RaceLastByte},
		{"h2c/last-byte", serveH2C, RaceLastByte},
		{"h2c/h2", serveH2C, RaceH2},
		{"http1/naive", serveHTTP1, RaceNaive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := c.start(t, earlyHints(payments.New(payments.Options{})))
			r := concurrentResult(t, srv, c.mode)
			if r.Verdict != Pass {
				t.Fatalf("verdict %s: %s\n%s", r.Verdict, r.Reason, strings.Join(r.Diffs, "\n"))
			}
			// Look for a 103 in the status tallies ("201×10"), not anywhere
			// in the round lines: a send spread of 103µs matched, and
			// failed a correct release on a loaded machine.
			if strings.Contains(roundLines(r), "103×") {
				t.Errorf("a 103 counted as a response:\n%s", roundLines(r))
			}
			for _, x := range r.Evidence {
				if x.Response != nil && x.Response.Status == http.StatusEarlyHints {
					t.Errorf("%s: a 103 recorded as the response", x.Label)
				}
			}
		})
	}
}
