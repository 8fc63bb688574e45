package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Access is what an observer reads the server with: where it is, the
// user's headers, the run's HTTP call and the experiment's canary. It is
// all an observer gets of a run.
type Access struct {
	// BaseURL is the API's; an observer reads nothing but there.
	BaseURL string
	// Header is the user's (-H): added to every read, redacted in evidence.
	Header http.Header
	// Do sends a request as the run sends every request: through its
	// client, at its rate, within its timeout and req's context. The
	// body of the response it returns is read already (at most MaxBody
	// bytes).
	Do func(req *http.Request) (*http.Response, error)
	// Canary is the prefix of the canaries the experiment's requests carry
	// (canary.go), "" when they carry none: a command observer hands it to
	// its command as $IDEMCHECK_CANARY.
	Canary string
}

// access is what the run gives an observer of the experiment whose canary
// prefix is canary.
func (e *run) access(canary string) Access {
	return Access{BaseURL: e.BaseURL, Header: e.Header, Canary: canary, Do: func(req *http.Request) (*http.Response, error) {
		r, err := send(req.Context(), e, req)
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
	}}
}

// send is a.Do with ctx, its response read into a reply.
func (a Access) send(ctx context.Context, req *http.Request) (*reply, error) {
	if a.Do == nil {
		return nil, errors.New("no way to send: the Access was not made by a run")
	}
	resp, err := a.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, truncated, err := readCapped(resp.Body)
	if err != nil {
		return nil, err
	}
	return &reply{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated}, nil
}
