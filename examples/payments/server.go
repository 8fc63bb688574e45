// Package payments is a small in-memory payments API whose POST operations
// take an Idempotency-Key. With no flaw it implements the reference
// semantics of idemcheck (draft-ietf-httpapi-idempotency-key-header, Stripe);
// each Flaw is one small, realistic deviation that specific probes catch.
package payments

import (
	"context"
	_ "embed"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Spec is the OpenAPI 3.0.3 document of the API.
//
//go:embed openapi.yaml
var Spec []byte

// Options configure a server.
type Options struct {
	Flaw Flaw
	// RaceWindow is FlawRace's gap between check and act
	// (DefaultRaceWindow when zero); other flaws ignore it.
	RaceWindow time.Duration
	// RaceBusy makes FlawRace's window CPU work (a busy loop, as a handler
	// hashing or rendering between its lookup and its insert) instead of a
	// parked wait (a database round trip): a window in which the handler
	// holds a processor, so the other copies can only race it on another.
	RaceBusy bool
	// Latency is added before processing each request, plus up to 20% jitter,
	// so that concurrent duplicates really overlap.
	Latency time.Duration
	// InFlight is how a duplicate of an in-flight request is answered:
	// 409 (InFlightConflict, the default) or the stored result after
	// waiting (InFlightWait).
	InFlight InFlight
	// HeaderLimit, when positive, refuses a request whose header block is
	// larger with 431 and a connection reset, as Node.js does
	// (DefaultHeaderLimit); see headers.go.
	HeaderLimit int
	// UUIDKeys refuses every key that is not a UUID with 400, as the
	// document UUIDSpec declares (uuid_keys.go).
	UUIDKeys bool
	// RefundsWithinAmount refuses a refund that would take a payment's
	// refunds above its amount with 400 refund_exceeds_payment, as Stripe
	// does: the requests use up their payment (refunds.go). A correct
	// rule, not a flaw; the example's 500 refunds of a 2000 payment run
	// out after four.
	RefundsWithinAmount bool
}

// MaxObjects bounds the stored payments, refunds and customers; a create
// beyond it gets 507 (a 5xx, so its key is released for a later retry).
const MaxObjects = 100_000

// maxBody bounds a request body; larger bodies get 400.
const maxBody = 64 << 10

// endpoint is one operation's business logic, free of idempotency concerns.
type endpoint func(r *http.Request, body []byte) response

type server struct {
	opts   Options
	policy policy
	keys   *keyStore
	data   *store
	mail   mailbox      // emails.go
	soft   softDeclines // FlawErrorsNotStored (flaws_keys.go)
}

// New returns the API as a handler. It panics on an unknown flaw, which is
// a programming error (use ParseFlaw for user input).
func New(opts Options) http.Handler {
	p, err := policyFor(opts)
	if err != nil {
		panic(err)
	}
	s := &server{opts: opts, policy: p, keys: newKeyStore(), data: newStore()}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/payments", s.keyed(s.createPayment))
	mux.Handle("GET /v1/payments", s.plain(s.listPayments))
	mux.Handle("GET /v1/payments/{id}", s.plain(s.getPayment))
	mux.Handle("DELETE /v1/payments/{id}", s.plain(s.deletePayment)) // delete.go
	mux.Handle("POST /v1/payments/{id}/refunds", s.keyed(s.createRefund))
	mux.Handle("GET /v1/payments/{id}/refunds", s.plain(s.listRefunds))
	mux.Handle("PUT /v1/customers/{id}", s.plain(s.upsertCustomer))
	mux.Handle("GET /v1/customers/{id}", s.plain(s.getCustomer))
	mux.Handle("DELETE /v1/customers/{id}", s.plain(s.deleteCustomer))
	mux.Handle("POST /v1/emails", s.keyed(s.sendEmail))
	mux.Handle("GET /v1/emails/sent", s.plain(s.emailsSent))
	return mux
}

// keyed serves ep under the idempotency protocol; plain serves it as is.
func (s *server) keyed(ep endpoint) http.Handler { return s.handler(ep, true) }
func (s *server) plain(ep endpoint) http.Handler { return s.handler(ep, false) }

func (s *server) handler(ep endpoint, keyed bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.HeaderLimit > 0 && headerSize(r) > s.opts.HeaderLimit {
			refuseOversize(w) // headers.go
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			write(w, errorResponse(http.StatusBadRequest, "invalid_request_error", "request body too large or unreadable"))
			return
		}
		if keyed {
			s.serveKeyed(w, r, body, ep)
			return
		}
		write(w, s.run(r, body, ep))
	})
}

// run processes a request after the configured latency. A client gone during
// the wait aborts with 503, which releases the key for its retry.
func (s *server) run(r *http.Request, body []byte, ep endpoint) response {
	if err := pause(r.Context(), s.opts.Latency); err != nil {
		return errorResponse(http.StatusServiceUnavailable, "api_error", "request cancelled")
	}
	return ep(r, body)
}

func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	d += rand.N(d/5 + 1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// principal is the caller: the Authorization header verbatim, or "anonymous".
func principal(r *http.Request) string {
	if a := r.Header.Get("Authorization"); a != "" {
		return a
	}
	return "anonymous"
}
