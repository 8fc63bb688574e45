package probes

import "net/http"

// refused reports whether the server refused a request as the client's
// mistake: a 4xx, but not 429, which says "later", not "no".
func (r *reply) refused() bool {
	return r.is4xx() && r.Status != http.StatusTooManyRequests
}

// throttled reports whether the server asked the client to come back later
// (429 Too Many Requests, 503 Service Unavailable). A probe that meets it has
// learnt nothing about idempotency: its result is an error, never a verdict.
func (r *reply) throttled() bool {
	return r != nil && (r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable)
}
