package probes

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Profile is the set of expectations that legitimately differ between
// providers: which status rejects a reused key, how an in-flight duplicate
// is answered, whether errors are stored and replayed, what a replay looks
// like, and where the key lives and how long it may be. The probes consult
// it through Experiment.Profile; everything the draft and every provider
// agree on (one side effect, no data leak across principals, no 5xx) is not
// a profile matter and is checked the same way under every profile.
//
// Every field can be overridden on its own per operation (Target.Profile,
// fed by the configuration file), so a server that follows a provider in all
// but one respect can pin that one expectation.
type Profile struct {
	// Name is the --profile value: ietf, stripe, adyen, paypal, square.
	Name string `json:"name" yaml:"name"`
	// Source is the documentation the expectations follow.
	Source string `json:"source" yaml:"source"`

	// KeyHeader is the documented request header of the key ("" when the
	// key is a body field, see KeyField). Informational: where the key goes
	// is detected from the document or set with --key-header/--key-field.
	KeyHeader string `json:"key_header,omitempty" yaml:"key_header,omitempty"`
	// KeyField is the documented body field of the key, e.g. Square's
	// idempotency_key.
	KeyField string `json:"key_field,omitempty" yaml:"key_field,omitempty"`
	// KeyMaxLength is the documented longest key; 0 when none is documented.
	// key-format notes (it does not fail) a longer key that is accepted.
	KeyMaxLength int `json:"key_max_length,omitempty" yaml:"key_max_length,omitempty"`

	// ReuseStatuses are the statuses that correctly reject a key reused
	// with a different request: another body (mismatch-body) or other
	// query or header parameters (mismatch-params). No provider documents
	// a separate status for the two. Empty accepts any 4xx.
	ReuseStatuses []int `json:"reuse_statuses,omitempty" yaml:"reuse_statuses,omitempty"`
	// InFlightStatuses are the statuses that correctly answer a duplicate
	// whose first request is still in flight (concurrent), besides the
	// stored result itself (a server that waits). Empty accepts any 4xx.
	InFlightStatuses []int `json:"in_flight_statuses,omitempty" yaml:"in_flight_statuses,omitempty"`

	// StoresErrors is true when a business error (a 4xx once execution
	// started) is stored and replayed byte-identically like a success; false
	// when the provider may execute the retry again, in which case only its
	// outcome (the status) must not change (error-replay).
	StoresErrors bool `json:"stores_errors" yaml:"stores_errors"`
	// ReplayLatest is true when a replay returns the resource's latest state
	// rather than the stored response (PayPal): replay then compares the
	// status and the resource id, not the whole body.
	ReplayLatest bool `json:"replay_latest,omitempty" yaml:"replay_latest,omitempty"`
	// ReplayHeader is the response header that marks a replay
	// (replay-marker); "" when the provider documents none, in which case
	// the usual names (replayHeaders) are looked for.
	ReplayHeader string `json:"replay_header,omitempty" yaml:"replay_header,omitempty"`
}

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "ietf"

// replayHeaders are the replay markers seen in the wild, looked for when the
// profile names none.
var replayHeaders = []string{"Idempotent-Replayed", "Idempotency-Replayed", "X-Idempotent-Replayed", "X-Idempotency-Replayed"}

// Profiles returns the built-in profiles, DefaultProfile first. Each call
// returns fresh copies, so a caller may override fields.
func Profiles() []Profile {
	return []Profile{
		{
			// The draft: 422 for a reused key (§2.7), 409 while in flight
			// (§2.7), the stored result, error or not, for a retry (§2.6).
			// The draft defines no replay header; Idempotent-Replayed is the
			// de-facto name (Stripe and its many imitators). Reuse also
			// accepts 400 and 409, which the draft gives to neighbouring
			// conditions and providers use for reuse, so the default raises
			// no alarm on a provider convention; pin 422 in the configuration.
			// Other parameters: the draft speaks of the request payload; the
			// query is part of the request all the same, and Telnyx, which
			// follows the draft, answers 422 when the query parameters or
			// the body differ (developers.telnyx.com/docs/development/
			// api-fundamentals/idempotency; request headers are not taken
			// into account there, so mismatch-params varies headers only
			// where their name says they change the outcome).
			Name:             "ietf",
			Source:           "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/",
			KeyHeader:        "Idempotency-Key",
			ReuseStatuses:    []int{http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusConflict},
			InFlightStatuses: []int{http.StatusConflict},
			StoresErrors:     true,
			ReplayHeader:     "Idempotent-Replayed",
		},
		{
			// Stripe saves the status and body of the first request once
			// the endpoint began executing, errors included (not validation
			// failures); keys up to 255 characters; a reused key with other
			// parameters is an idempotency_error (400); a concurrent request
			// 409; replays carry Idempotent-Replayed: true. Other parameters
			// are a reuse like another body: "The idempotency layer compares
			// incoming parameters to those of the original request and
			// errors if they're not the same" (docs.stripe.com/api/
			// idempotent_requests; changelog 2015-09-03 "Requests that reuse
			// idempotency tokens but alter request parameters now throw an
			// error"; IDEMPOTENCY_ERROR: "re-used on a request that does not
			// match the first request's API endpoint and parameters").
			// Stripe-Account changes the account, not the parameters: keys
			// are per account (cross-principal).
			Name:             "stripe",
			Source:           "https://docs.stripe.com/api/idempotent_requests",
			KeyHeader:        "Idempotency-Key",
			KeyMaxLength:     255,
			ReuseStatuses:    []int{http.StatusBadRequest},
			InFlightStatuses: []int{http.StatusConflict},
			StoresErrors:     true,
			ReplayHeader:     "Idempotent-Replayed",
		},
		{
			// Adyen: Idempotency-Key of at most 64 characters, scoped to the
			// company account; the response to the first attempt is
			// returned for a retry; a duplicate in progress or a reused key
			// is refused (422, error code 704; 409 accepted too). Adyen
			// echoes the key in every response, which does not tell a
			// replay apart, so no replay header is documented; errors may
			// be retried (Transient-Error), so they are not expected to be
			// stored. Adyen documents nothing about a key reused with other
			// query or header parameters (docs.adyen.com/development-
			// resources/api-idempotency): the safety rule holds (never R's
			// stored result for a request that means something else), and a
			// refusal is expected with the statuses of another body.
			Name:             "adyen",
			Source:           "https://docs.adyen.com/development-resources/api-idempotency",
			KeyHeader:        "Idempotency-Key",
			KeyMaxLength:     64,
			ReuseStatuses:    []int{http.StatusUnprocessableEntity, http.StatusConflict},
			InFlightStatuses: []int{http.StatusUnprocessableEntity, http.StatusConflict},
			StoresErrors:     false,
		},
		{
			// PayPal: PayPal-Request-Id; a retry returns "the latest status
			// of the previous request", not a byte-identical copy; of two
			// simultaneous requests the second "might fail" (any 4xx);
			// failed requests may be retried. The key length varies by API.
			// PayPal documents nothing about the same PayPal-Request-Id with
			// other parameters beyond "returns the latest status of the
			// previous request" (developer.paypal.com/reference/guidelines/
			// idempotency); its APIs refuse a used id for another request
			// with 422 PAYPAL_REQUEST_ID_PREVIOUSLY_USED (payment tokens v3)
			// or DUPLICATE_REQUEST_ID (older APIs). The safety rule holds.
			Name:             "paypal",
			Source:           "https://developer.paypal.com/reference/guidelines/idempotency/",
			KeyHeader:        "PayPal-Request-Id",
			ReuseStatuses:    []int{http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusConflict},
			InFlightStatuses: nil,
			StoresErrors:     false,
			ReplayLatest:     true,
		},
		{
			// Square: idempotency_key in the body; the same request again
			// returns the first successful response; a changed request with
			// the key gets an error (IDEMPOTENCY_KEY_REUSED, 400). The key
			// length varies by endpoint (CreatePayment: 45). Any change to
			// the request is a reuse: "If you use the same idempotency key
			// but change the CreatePayment request … you get an error"
			// (developer.squareup.com/docs/working-with-apis/idempotency);
			// Square's key is in the body, and its query parameters on
			// mutating calls are few (a version for optimistic concurrency).
			Name:          "square",
			Source:        "https://developer.squareup.com/docs/build-basics/common-api-patterns/idempotency",
			KeyField:      "idempotency_key",
			ReuseStatuses: []int{http.StatusBadRequest},
			StoresErrors:  false,
		},
	}
}

// LookupProfile returns the built-in profile called name ("" is
// DefaultProfile). An unknown name is an error that lists the known ones.
func LookupProfile(name string) (*Profile, error) {
	if name == "" {
		name = DefaultProfile
	}
	var known []string
	for _, p := range Profiles() {
		if strings.EqualFold(p.Name, name) {
			return &p, nil
		}
		known = append(known, p.Name)
	}
	return nil, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(known, ", "))
}

// Profile returns the expectations for the experiment's operation: its
// target's (the configuration's per-operation ones), else Config.Profile, else
// DefaultProfile.
func (x *Experiment) Profile() *Profile {
	if x.profile != nil {
		return x.profile
	}
	if x.run.Profile != nil {
		return x.run.Profile
	}
	p, _ := LookupProfile(DefaultProfile)
	return p
}

// acceptsReuse reports whether status correctly rejects a reused key.
func (p *Profile) acceptsReuse(status int) bool {
	return acceptsStatus(p.ReuseStatuses, status)
}

// acceptsInFlight reports whether status correctly answers an in-flight
// duplicate (the stored result itself is judged separately).
func (p *Profile) acceptsInFlight(status int) bool {
	return acceptsStatus(p.InFlightStatuses, status)
}

func acceptsStatus(allowed []int, status int) bool {
	if len(allowed) == 0 {
		return status >= 400 && status < 500
	}
	return slices.Contains(allowed, status)
}

// statusList renders accepted statuses for a reason: "422, 400 or 409".
func statusList(allowed []int) string {
	if len(allowed) == 0 {
		return "a 4xx"
	}
	parts := make([]string, len(allowed))
	for i, s := range allowed {
		parts[i] = fmt.Sprint(s)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// replayDiff compares a retry with the stored result the way the profile
// says a replay looks: the whole reply (diffReplies), or, for "latest
// status" replays, the status and the resource id only.
func (p *Profile) replayDiff(first, retry *reply, ignore []string) string {
	if !p.ReplayLatest {
		return diffReplies(first, retry, ignore)
	}
	firstID, retryID := resourceID(first), resourceID(retry)
	if first.Status == retry.Status && firstID == retryID {
		return ""
	}
	return renderIdentity(first.Status, retry.Status, firstID, retryID)
}

// replayMarker returns the name and value of the replay-marking header r
// carries, or "" when it carries none. A value "false" or "0" is no marker.
func (p *Profile) replayMarker(r *reply) (name, value string) {
	names := replayHeaders
	if p.ReplayHeader != "" {
		names = []string{p.ReplayHeader}
	}
	for _, n := range names {
		v := strings.TrimSpace(r.Header.Get(n))
		if v != "" && !strings.EqualFold(v, "false") && v != "0" && !strings.EqualFold(v, "?0") {
			return n, v
		}
	}
	return "", ""
}
