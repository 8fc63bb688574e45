package probes

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// Access is what an observer reads the server with: where it is, the
// user's headers, the run's HTTP call and the experiment's canary. It is
// all an observer gets of a run, so an observer cannot depend on more.
type Access struct {
	// BaseURL is the API's; an observer reads nothing but there.
	BaseURL string
	// Header is the user's (-H): added to every read, redacted in evidence.
	Header http.Header
	// Canary is the prefix of the canaries the experiment's requests carry
	// (canary.go), "" when they carry none: a command observer hands it to
	// its command as $IDEMCHECK_CANARY.
	Canary string

	send func(context.Context, *http.Request) (*reply, error)
}

// access is what the run gives an observer of the experiment whose canary
// prefix is canary.
func (e *run) access(canary string) Access {
	return Access{BaseURL: e.BaseURL, Header: e.Header, Canary: canary, send: func(ctx context.Context, req *http.Request) (*reply, error) {
		return send(ctx, e, req)
	}}
}

// Do sends req as the run sends every request: through its client, at its
// rate and within its timeout, with req's context. The response's body
// was read already (at most MaxBody bytes), so closing it is optional.
func (a Access) Do(req *http.Request) (*http.Response, error) {
	r, err := a.send(req.Context(), req)
	if err != nil {
		return nil, err
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)),
		StatusCode:    r.Status,
		Header:        r.Header,
		Body:          io.NopCloser(bytes.NewReader(r.Body)),
		ContentLength: int64(len(r.Body)),
		Request:       req,
	}, nil
}
