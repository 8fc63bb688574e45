package probes

import (
	"crypto/tls"
	"net/http"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// wireConfig is how the raw paths (internal/wire: last-byte, h2, drop)
// connect for env: with the same TLS configuration, header limit and body
// cap as net/http's requests.
func wireConfig(env *run) wire.Config {
	return wire.Config{TLS: clientTLS(env), Timeout: env.Timeout, MaxHeaderBytes: wire.DefaultMaxHeaderBytes, MaxBody: MaxBody}
}

// clientTLS is env.TLS, or else the TLS configuration of the user's own
// client, so raw connections trust what net/http trusts.
func clientTLS(env *run) *tls.Config {
	if env.TLS != nil {
		return env.TLS
	}
	if env.Client != nil {
		if t, ok := env.Client.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
			return t.TLSClientConfig
		}
	}
	return nil
}

// replyOf is a raw response as a reply.
func replyOf(r *wire.Response) *reply {
	if r == nil {
		return nil
	}
	return &reply{Status: r.Status, Header: r.Header, Body: r.Body, Truncated: r.Truncated}
}

// recordOutcomes records what each copy of a raw release got; payloads
// are the request bodies for the evidence.
func (v *volley) recordOutcomes(x *Experiment, label string, reqs []*http.Request, payloads [][]byte, outs []wire.Outcome) {
	for i, o := range outs {
		v.sent[i] = o.Sent
		if !o.Sent.IsZero() { // sent.go: a copy whose last byte left reached the server
			x.sent.Add(1)
		}
		v.finish(x, i, label, reqs[i], payloads[i], replyOf(o.Response), o.Elapsed, o.Err)
		x.noteSent(x.run, nil, reqs[i], v.replies[i]) // created.go
	}
}

// requestBodies reads every request's body back for the evidence.
func requestBodies(reqs []*http.Request) [][]byte {
	payloads := make([][]byte, len(reqs))
	for i, req := range reqs {
		payloads[i] = requestBody(req)
	}
	return payloads
}
