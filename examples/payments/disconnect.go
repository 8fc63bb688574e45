package payments

import (
	"net/http"
	"time"
)

// A client that times out or crashes hangs up while its request is being
// processed. The correct server (keyed.go) does not care: it finishes,
// stores the result under the key, and the client's retry gets it. The
// flaw here is a common one: work after the commit point (waiting for a
// confirmation, sending a webhook) runs on the request's context, so a
// client that hangs up cancels it, the handler fails with a 5xx and the key
// is released for a retry — although the payment was already written.

// DefaultConfirmWait is how long FlawDisconnectReleasesKey waits for the
// card network's confirmation after writing a payment: long enough that a
// client hanging up right after its request was written is noticed first.
const DefaultConfirmWait = 50 * time.Millisecond

// confirm is the step after processing. With FlawDisconnectReleasesKey it
// waits for the confirmation on the request's context and, when the client
// has gone, turns a processed request into a 503 (so finish releases the
// key) without undoing what was processed. Otherwise it returns resp.
func (s *server) confirm(r *http.Request, resp response) response {
	if s.policy.confirmWait <= 0 || resp.status >= 300 {
		return resp
	}
	t := time.NewTimer(s.policy.confirmWait)
	defer t.Stop()
	select {
	case <-t.C:
		return resp
	case <-r.Context().Done():
		return errorResponse(http.StatusServiceUnavailable, "api_error", "confirmation cancelled: client disconnected")
	}
}
