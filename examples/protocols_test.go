package examples

import (
	"net/http"
	"testing"
)

// TestStartSpeaksH2C: the example servers answer HTTP/2 with prior
// knowledge and HTTP/1.1 on the same port, so the concurrent probe's h2
// release can be tried against them.
func TestStartSpeaksH2C(t *testing.T) {
	srv, err := Start(Variants()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		set   func(*http.Protocols)
		proto string
	}{
		{"h2c", func(p *http.Protocols) { p.SetUnencryptedHTTP2(true) }, "HTTP/2.0"},
		{"http1", func(p *http.Protocols) { p.SetHTTP1(true) }, "HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &http.Transport{Protocols: new(http.Protocols)}
			tc.set(tr.Protocols)
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/v1/payments")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.Proto != tc.proto || resp.StatusCode != http.StatusOK {
				t.Errorf("got %s %d, want %s 200", resp.Proto, resp.StatusCode, tc.proto)
			}
		})
	}
}
