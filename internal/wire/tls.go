package wire

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSOptions are the TLS settings a CI job gives on the command line. Build
// the configuration once with Config and use it for net/http and for every
// raw path, so all of them trust and present the same certificates.
type TLSOptions struct {
	// CAFile is a PEM file of root certificates that replaces the system
	// roots, like curl's --cacert (a private CA).
	CAFile string
	// CertFile and KeyFile are the PEM client certificate and its key, for
	// servers that require one (mutual TLS). Both or neither.
	CertFile string
	KeyFile  string
	// Insecure skips verifying the server's certificate chain and host name.
	// It is never implied: the user has to ask for it.
	Insecure bool
}

// ErrClientKeyPair says only one of a client certificate and its key was given.
var ErrClientKeyPair = errors.New("a client certificate needs both a certificate file and a key file")

// Config returns the TLS client configuration o describes, or nil when o
// is empty (Go's defaults). Its errors are one line naming the file.
func (o TLSOptions) Config() (*tls.Config, error) {
	if o == (TLSOptions{}) {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure} //nolint:gosec // only when the user says --insecure
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case o.CertFile != "" && o.KeyFile != "":
		pair, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s with key %s: %w", o.CertFile, o.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case o.CertFile != "":
		return nil, fmt.Errorf("client certificate %s given without its key: %w", o.CertFile, ErrClientKeyPair)
	case o.KeyFile != "":
		return nil, fmt.Errorf("client key %s given without its certificate: %w", o.KeyFile, ErrClientKeyPair)
	}
	return cfg, nil
}
