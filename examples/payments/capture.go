package payments

import (
	"net/http"
	"strconv"
)

// POST /v1/payments takes a capture query parameter, as Stripe's charges
// do: true (the default) captures the payment at once, false only
// authorizes it, to capture later. The query is part of the request: the
// correct server's fingerprint is the method, the request URI (path and
// query) and the body (keyed.go), so the key reused with another capture
// value is refused with 422 like a changed body. FlawBodyOnlyFingerprint
// leaves the query out and answers it with the stored payment.

// captureParam reads the capture query parameter: true when absent; a
// problem to answer with 400 when it is not a boolean.
func captureParam(r *http.Request) (capture bool, problem string) {
	vs, ok := r.URL.Query()["capture"]
	if !ok {
		return true, ""
	}
	if len(vs) != 1 {
		return false, "capture must be given once"
	}
	switch vs[0] {
	case "true":
		return true, ""
	case "false":
		return false, ""
	}
	return false, "capture must be true or false"
}

// captureStatus is a new payment's status.
func captureStatus(captured bool) string {
	if captured {
		return "succeeded"
	}
	return "requires_capture"
}

// bodyOnlyScope is FlawBodyOnlyFingerprint's key scope: the caller, the
// method, the path without its query string, and the key, as a popular
// Node.js idempotency middleware builds its cache key.
func bodyOnlyScope(r *http.Request, key string) string {
	return strconv.Quote(principal(r)) + " " + r.Method + " " + r.URL.Path + " " + strconv.Quote(key)
}
