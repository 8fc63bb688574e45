package wire

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// mtlsServer serves over TLS with a private CA's certificate, offering h2
// and http/1.1, and requires a client certificate from the same CA.
func mtlsServer(t *testing.T, pki *wiretest.PKI) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(r.Proto)) //nolint:errcheck
	}))
	srv.TLS = pki.ServerTLS.Clone()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestTLSPrivateCAAndClientCert: one configuration from TLSOptions serves
// net/http, last-byte, h2 (with ALPN) and drop against a server with a
// private CA that requires a client certificate; without the options,
// every path fails the handshake (no path passes by luck).
func TestTLSPrivateCAAndClientCert(t *testing.T) {
	pki := wiretest.NewPKI(t)
	srv, hits := mtlsServer(t, pki)
	tlsCfg, err := TLSOptions{CAFile: pki.CAFile, CertFile: pki.ClientCertFile, KeyFile: pki.ClientKeyFile}.Config()
	if err != nil {
		t.Fatal(err)
	}
	insecure, err := TLSOptions{CertFile: pki.ClientCertFile, KeyFile: pki.ClientKeyFile, Insecure: true}.Config()
	if err != nil {
		t.Fatal(err)
	}
	noCert, _ := TLSOptions{CAFile: pki.CAFile}.Config()
	for _, tt := range []struct {
		name string
		tls  *tls.Config
		ok   bool
	}{
		{"private CA and client certificate", tlsCfg, true},
		{"insecure with client certificate", insecure, true},
		{"private CA, no client certificate", noCert, false},
		{"system roots", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			bounded(t, hardLimit, func() { tlsPaths(t, srv, Config{TLS: tt.tls}, tt.ok) })
			want := int64(0)
			if tt.ok { // net/http, 2 last-byte, 2 h2, the drop (which may arrive late)
				want = 6
				for deadline := time.Now().Add(5 * time.Second); hits.Load() < want && time.Now().Before(deadline); {
					time.Sleep(5 * time.Millisecond)
				}
			}
			if hits.Load() != want {
				t.Errorf("%d requests reached the handler, want %d", hits.Load(), want)
			}
		})
	}
}

// tlsPaths sends over net/http and every raw path with cfg's TLS settings
// and checks that all succeed (ok) or all fail.
func tlsPaths(t *testing.T, srv *httptest.Server, cfg Config, ok bool) {
	tt := struct {
		ok  bool
		tls *tls.Config
	}{ok, cfg.TLS}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tt.tls, ForceAttemptHTTP2: true}}
	defer client.CloseIdleConnections()
	var errs []error
	resp, err := client.Do(mustRequest(t, "POST", srv.URL, "{}"))
	if err == nil {
		resp.Body.Close()
		if resp.ProtoMajor != 2 {
			err = errors.New("net/http did not negotiate h2: " + resp.Proto)
		}
	}
	errs = append(errs, err)
	for _, o := range ReleaseLastByte(context.Background(), cfg, requests(t, srv.URL, 2)) {
		errs = append(errs, o.Err)
	}
	for _, o := range ReleaseH2(context.Background(), cfg, requests(t, srv.URL, 2)).Outcomes {
		if o.Err == nil && string(o.Response.Body) != "HTTP/2.0" {
			o.Err = errors.New("h2 release answered over " + string(o.Response.Body))
		}
		errs = append(errs, o.Err)
	}
	errs = append(errs, DetectH2(context.Background(), cfg, mustURL(t, srv.URL)))
	errs = append(errs, Drop(context.Background(), cfg, mustRequest(t, "POST", srv.URL, "{}"), 0))
	for i, err := range errs {
		if tt.ok && err != nil {
			t.Errorf("path %d: %v", i, err)
		}
		if !tt.ok && err == nil && i != len(errs)-1 { // a drop does not wait for the server's verdict on the handshake
			t.Errorf("path %d succeeded without the right TLS settings", i)
		}
	}
}

func TestTLSOptionsErrors(t *testing.T) {
	pki := wiretest.NewPKI(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600) //nolint:errcheck
	for _, tt := range []struct {
		opts TLSOptions
		want string
	}{
		{TLSOptions{CAFile: "/nonexistent/ca.pem"}, "read CA file: open /nonexistent/ca.pem"},
		{TLSOptions{CAFile: notPEM}, "holds no PEM certificate"},
		{TLSOptions{CertFile: pki.ClientCertFile}, "given without its key"},
		{TLSOptions{KeyFile: pki.ClientKeyFile}, "given without its certificate"},
		{TLSOptions{CertFile: pki.ClientCertFile, KeyFile: pki.CAFile}, "load client certificate"},
		{TLSOptions{CertFile: notPEM, KeyFile: pki.ClientKeyFile}, "load client certificate"},
	} {
		cfg, err := tt.opts.Config()
		if err == nil || cfg != nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: %v; want one line with %q", tt.opts, err, tt.want)
		}
	}
	if cfg, err := (TLSOptions{}).Config(); cfg != nil || err != nil {
		t.Errorf("empty options: %v, %v; want nil, nil", cfg, err)
	}
}
