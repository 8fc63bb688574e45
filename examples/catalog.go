// Package examples lists idemcheck's example APIs — one correct, several
// deliberately flawed — and starts them on loopback for the demo and tests.
package examples

import (
	"net/http"

	"github.com/idemcheck/idemcheck/examples/payments"
)

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
}

// Variants returns every example API: "payments" (correct) first, then one
// "payments-<flaw>" per payments.Flaw.
func Variants() []Variant {
	vs := []Variant{{
		Name:        "payments",
		Description: "payments API implementing idempotency keys correctly",
		Spec:        payments.Spec,
		Handler:     func() http.Handler { return payments.New(payments.Options{}) },
	}}
	for _, f := range payments.Flaws() {
		vs = append(vs, Variant{
			Name:        "payments-" + string(f),
			Description: flawDescriptions[f],
			Spec:        payments.Spec,
			Handler:     func() http.Handler { return payments.New(payments.Options{Flaw: f}) },
			ExpectFail:  expectFail[f],
			AlsoFail:    alsoFail[f],
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
	payments.FlawNoIdempotency:      "ignores the Idempotency-Key: every request is processed",
	payments.FlawRace:               "checks the key, then acts later: concurrent duplicates all create",
	payments.FlawKeyOnlyFingerprint: "leaves the body out of the fingerprint: a reused key with another body gets the first result",
	payments.FlawOptionalKey:        "processes requests without a key instead of rejecting them",
	payments.FlawReplayButRepeat:    "replays the stored response but repeats the side effect",
}

// expectFail and alsoFail follow the flaw comments in payments/flaws.go.
// Probes whose outcome depends on timing the probe does not control (e.g.
// retry-after-drop on check-then-act, when the retry lands in the race
// window) are in neither.
var expectFail = map[payments.Flaw][]string{
	payments.FlawNoIdempotency:      {"replay", "concurrent", "mismatch-body", "missing-key"},
	payments.FlawRace:               {"concurrent"},
	payments.FlawKeyOnlyFingerprint: {"mismatch-body"},
	payments.FlawOptionalKey:        {"missing-key"},
	payments.FlawReplayButRepeat:    {"replay", "concurrent"},
}

var alsoFail = map[payments.Flaw][]string{
	payments.FlawNoIdempotency:   {"key-format", "replay-marker", "retry-after-drop"},
	payments.FlawReplayButRepeat: {"retry-after-drop"},
}
