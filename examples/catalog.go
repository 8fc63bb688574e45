// Package examples lists idemcheck's example APIs — one correct, several
// deliberately flawed — and starts them on loopback for the demo and tests.
package examples

import (
	"net/http"

	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/examples/payments"
)

// OtherPrincipal is a header naming a second principal, for
// cross-principal (check.Options.OtherHeaders): the examples scope keys by
// the Authorization header.
const OtherPrincipal = "Authorization: Bearer idemcheck-demo-principal-b"

// Variant is one example API with what idemcheck should find in it.
type Variant struct {
	Name        string
	Description string
	Spec        []byte              // the OpenAPI document
	Handler     func() http.Handler // a fresh server, empty state, per call
	// ExpectFail are the probe ids the variant's flaw is designed to trip.
	// Empty for the correct variant.
	ExpectFail []string
	// AlsoFail are probe ids that fail too, as a consequence of the same
	// flaw (e.g. a server that ignores keys also accepts an empty one). Every
	// probe in neither list passes; a tool comparing verdicts should expect
	// ExpectFail and AlsoFail, restricted to the probes it ran.
	AlsoFail []string
	// Config is the variant's idemcheck configuration (idemcheck.yaml),
	// nil when it needs none: the observers its document cannot declare.
	Config []byte
}

// Variants returns every example API: "payments" (correct) first, then one
// "payments-<flaw>" per payments.Flaw, then the correct "generic-…" APIs of
// issue 23, served by the generic server from documents of their own.
func Variants() []Variant {
	vs := []Variant{{
		Name:        "payments",
		Description: "payments API implementing idempotency keys correctly",
		Spec:        payments.Spec,
		Handler:     func() http.Handler { return payments.New(payments.Options{}) },
	}, {
		// Correct too: an in-flight duplicate waits for the stored result
		// instead of getting 409, which the draft allows.
		Name:        "payments-waiting",
		Description: "payments API that makes an in-flight duplicate wait for the stored result instead of answering 409",
		Spec:        payments.Spec,
		Handler:     func() http.Handler { return payments.New(payments.Options{InFlight: payments.InFlightWait}) },
	}, {
		// Correct too: a header block over 16 KiB (the 64 KiB key of
		// key-format) is refused the way Node.js refuses it, with 431 and
		// a connection reset, which is a refusal, not a failure.
		Name:        "payments-header-limit",
		Description: "payments API that refuses a header block over 16 KiB with 431 and resets the connection, as Node.js does",
		Spec:        payments.Spec,
		Handler:     func() http.Handler { return payments.New(payments.Options{HeaderLimit: payments.DefaultHeaderLimit}) },
	}, {
		// Correct too: keys must be UUIDs, as its document declares
		// (format: uuid, 36 characters); any other key gets 400.
		Name:        "payments-uuid-keys",
		Description: "payments API whose Idempotency-Key must be a UUID (declared format: uuid)",
		Spec:        payments.UUIDSpec(),
		Handler:     func() http.Handler { return payments.New(payments.Options{UUIDKeys: true}) },
	}}
	for _, f := range payments.Flaws() {
		vs = append(vs, Variant{
			Name:        "payments-" + string(f),
			Description: flawDescriptions[f],
			Spec:        payments.SpecFor(f),
			Handler:     func() http.Handler { return payments.New(payments.Options{Flaw: f}) },
			ExpectFail:  expectFail[f],
			AlsoFail:    alsoFail[f],
		})
	}
	for i := range vs {
		vs[i].Config = payments.Config // every payments variant serves the email counter
	}
	for _, g := range generic.Variants() {
		vs = append(vs, Variant{
			Name:        g.Name,
			Description: g.Description,
			Spec:        g.Spec,
			Handler:     g.Handler,
		})
	}
	return vs
}

// Lookup returns the variant called name.
func Lookup(name string) (Variant, bool) {
	for _, v := range Variants() {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

var flawDescriptions = map[payments.Flaw]string{
	payments.FlawNoIdempotency:         "ignores the Idempotency-Key: every request is processed",
	payments.FlawRace:                  "checks the key, then acts later: concurrent duplicates all create",
	payments.FlawKeyOnlyFingerprint:    "leaves the body out of the fingerprint: a reused key with another body gets the first result",
	payments.FlawOptionalKey:           "processes requests without a key instead of rejecting them",
	payments.FlawReplayButRepeat:       "replays the stored response but repeats the side effect",
	payments.FlawDisconnectReleasesKey: "releases the key when the client hangs up after the payment was written: the retry charges again",
	payments.FlawPutBumpsVersion:       "bumps the customer's version on every PUT, even an identical one",
	payments.FlawDeleteGone500:         "answers a DELETE of an already deleted customer with 500",
	payments.FlawUndocumentedKey:       "correct API whose document declares the payments key optional and documents no retention",
	payments.FlawPathBlindFingerprint:  "leaves the path out of the fingerprint: a key reused on another payment's refunds gets the first refund",
	payments.FlawKeysNotScopedToCaller: "shares one key namespace between callers: another caller's same key gets the first caller's payment",
	payments.FlawUnvalidatedKey:        "uses the key unvalidated: an empty key is accepted, a key over 1 KiB is a 500",
	payments.FlawNoReplayHeader:        "replays correctly but never marks the replay (no Idempotent-Replayed)",
	payments.FlawErrorsNotStored:       "does not store declines, and a soft-declined payment retried with the same key is charged",
	payments.FlawReuse417:              "refuses a key reused with another body safely, but with 417 Expectation Failed instead of 422",
	payments.FlawReplayRequestID:       "renders a new request_id into every response, so a replay is not the stored result byte for byte",
	payments.FlawRefuseReuse:           "treats the key as a one-time token: every reuse, an identical retry included, gets 422 instead of the stored result",
	payments.FlawBodyOnlyFingerprint:   "fingerprints only the body and keys by path without the query, as a popular Node.js middleware does: ?capture=false under a used key gets the stored, captured payment",
}

// expectFail and alsoFail follow the flaw comments in payments/flaws.go.
// Probes whose outcome depends on timing the probe does not control (e.g.
// retry-after-drop on check-then-act, when the retry lands in the race
// window) are in neither.
var expectFail = map[payments.Flaw][]string{
	payments.FlawNoIdempotency:         {"replay", "concurrent", "mismatch-body", "missing-key"},
	payments.FlawRace:                  {"concurrent"},
	payments.FlawKeyOnlyFingerprint:    {"mismatch-body"},
	payments.FlawOptionalKey:           {"missing-key"},
	payments.FlawReplayButRepeat:       {"replay", "concurrent"},
	payments.FlawDisconnectReleasesKey: {"retry-after-drop"},
	payments.FlawPutBumpsVersion:       {"natural-put"},
	payments.FlawDeleteGone500:         {"natural-delete"},
	payments.FlawUndocumentedKey:       {"spec"},
	payments.FlawPathBlindFingerprint:  {"mismatch-target"},
	payments.FlawKeysNotScopedToCaller: {"cross-principal"},
	payments.FlawUnvalidatedKey:        {"key-format"},
	payments.FlawNoReplayHeader:        {"replay-marker"},
	payments.FlawErrorsNotStored:       {"error-replay"},
	payments.FlawReuse417:              {"mismatch-body"},
	payments.FlawReplayRequestID:       {"replay"},
	payments.FlawRefuseReuse:           {"replay"},
	payments.FlawBodyOnlyFingerprint:   {"mismatch-params"},
}

var alsoFail = map[payments.Flaw][]string{
	payments.FlawNoIdempotency:   {"key-format", "retry-after-drop"},
	payments.FlawReplayButRepeat: {"retry-after-drop"},
	// Its fingerprint is the method and the body: the query, part of the
	// target it leaves out, is left out too (?capture=false is replayed).
	payments.FlawPathBlindFingerprint: {"mismatch-params"},
	// It answers every reuse with another request 417, another query too.
	payments.FlawReuse417: {"mismatch-params"},
}
