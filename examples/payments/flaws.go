package payments

import (
	"fmt"
	"time"
)

// Flaw names one deliberate deviation from the correct idempotency protocol
// (idempotency.go, keyed.go). Each is small, as real defects are, and trips
// specific idemcheck probes; the comments say which and why.
type Flaw string

// The flaws. FlawNone is the correct server.
const (
	FlawNone Flaw = ""

	// FlawNoIdempotency ignores the key entirely: every request is processed
	// and a missing key is accepted. Trips replay, concurrent, mismatch-body
	// and missing-key (and, consequently, key-format: an empty key is
	// accepted; retry-after-drop: the retry creates a second payment).
	// replay-marker has nothing to judge: a retry is never a replay.
	FlawNoIdempotency Flaw = "no-idempotency"

	// FlawRace checks the key, then reserves it in a second locked step after
	// Options.RaceWindow: concurrent copies all see "not seen" and all create.
	// Sequential retries are correct, so it trips concurrent only.
	FlawRace Flaw = "check-then-act"

	// FlawKeyOnlyFingerprint leaves the body out of the fingerprint, so a key
	// reused with a different body is answered with the first request's
	// stored 2xx, marked replayed. The method and path still count, so it
	// trips mismatch-body only (mismatch-target still gets 422).
	FlawKeyOnlyFingerprint Flaw = "key-only-fingerprint"

	// FlawOptionalKey processes a request without a key as an ordinary,
	// unprotected request; everything else is correct. Trips missing-key only.
	FlawOptionalKey Flaw = "optional-key"

	// FlawReplayButRepeat answers every duplicate correctly (the stored
	// result, or 409 while in flight) but runs the operation again and
	// throws the result away: the responses look right and only the side
	// effects (GET /v1/payments grows) give it away. Trips replay and
	// concurrent (and retry-after-drop, whose retry is such a duplicate).
	FlawReplayButRepeat Flaw = "replay-repeats-effect"

	// FlawDisconnectReleasesKey writes the payment, then waits for the card
	// network's confirmation with the request's context: a client that
	// disconnects cancels the wait, the server answers 503 to nobody and
	// releases the key — but the payment stays. The retry charges again.
	// Trips retry-after-drop only (see disconnect.go).
	FlawDisconnectReleasesKey Flaw = "disconnect-releases-key"

	// FlawPutBumpsVersion gives customers a version that every PUT
	// increments, even an identical one. Trips natural-put only.
	FlawPutBumpsVersion Flaw = "put-bumps-version"

	// FlawDeleteGone500 fails with 500 when a DELETE finds the customer
	// already gone, instead of answering 404. Trips natural-delete only.
	FlawDeleteGone500 Flaw = "delete-gone-500"

	// FlawUndocumentedKey serves a correct API whose document declares the
	// payments key optional and says nothing of how long keys are kept
	// (SpecFor). Trips spec only.
	FlawUndocumentedKey Flaw = "undocumented-key"

	// FlawPathBlindFingerprint leaves the concrete path out of the request
	// fingerprint (keys are still scoped per route), so a key reused on
	// another payment's refunds gets the first refund, marked replayed, and
	// no refund is made there. Trips mismatch-target (flaws_keys.go), and,
	// since the query is part of the target it leaves out, mismatch-params
	// (?capture=false under a used key gets the captured payment).
	FlawPathBlindFingerprint Flaw = "path-blind-fingerprint"

	// FlawKeysNotScopedToCaller keys the store by route and key only: a
	// second caller who sends the same key and request gets the first
	// caller's stored payment. Trips cross-principal only.
	FlawKeysNotScopedToCaller Flaw = "keys-not-scoped-to-caller"

	// FlawUnvalidatedKey uses the key header as it comes: an empty key is a
	// key like any other, and a key longer than the store's 1 KiB index
	// column is a 500 (a database error). Trips key-format only.
	FlawUnvalidatedKey Flaw = "unvalidated-key"

	// FlawNoReplayHeader replays correctly but never sets
	// Idempotent-Replayed. Trips replay-marker only.
	FlawNoReplayHeader Flaw = "no-replay-header"

	// FlawErrorsNotStored releases the key after any 4xx instead of storing
	// the business error, and the card network approves an authorization it
	// soft-declined once when it is retried (with the same key, which the
	// server forwards as the retry reference): the declined payment's
	// unchanged retry is charged. Trips error-replay only.
	FlawErrorsNotStored Flaw = "errors-not-stored"

	// FlawReuse417 refuses a key reused with another body with 417
	// Expectation Failed instead of 422: safe (nothing is done, nothing of
	// the first request is returned), but not the status the draft names.
	// Trips mismatch-body, as a minor conformance finding, and so
	// mismatch-params, whose reuse with another query gets the same 417
	// (flaws_replay.go).
	FlawReuse417 Flaw = "reuse-417"

	// FlawReplayRequestID adds a request id to every keyed response body,
	// a new one per response: a replay is the stored result re-rendered
	// with another request_id, so it is not byte-identical. One payment per
	// key all the same. Trips replay only (flaws_replay.go).
	FlawReplayRequestID Flaw = "replay-rerenders-request-id"

	// FlawBodyOnlyFingerprint fingerprints only the body and keys requests
	// by method, path without the query string, and key, as a popular
	// Node.js idempotency middleware does: POST /v1/payments?capture=false
	// after POST /v1/payments under one key is answered with the stored,
	// captured payment (201, marked replayed), and the client believes its
	// payment is only authorized. The path still scopes the key, and the
	// body still counts, so it trips mismatch-params only (capture.go).
	FlawBodyOnlyFingerprint Flaw = "body-only-fingerprint"

	// FlawRefuseReuse treats the key as a one-time token: once a request
	// completed, every reuse of its key, an identical retry included, is
	// refused with 422 instead of getting the stored result (in-flight
	// duplicates still get 409). One payment per key all the same. Trips
	// replay only.
	FlawRefuseReuse Flaw = "refuses-every-reuse"
)

// DefaultRaceWindow is FlawRace's gap between check and act when
// Options.RaceWindow is zero: wide enough that concurrent requests land in it.
const DefaultRaceWindow = 2 * time.Millisecond

// Flaws lists every flaw, FlawNone excluded, in a stable order.
func Flaws() []Flaw {
	return []Flaw{FlawNoIdempotency, FlawRace, FlawKeyOnlyFingerprint, FlawOptionalKey, FlawReplayButRepeat,
		FlawDisconnectReleasesKey, FlawPutBumpsVersion, FlawDeleteGone500, FlawUndocumentedKey,
		FlawPathBlindFingerprint, FlawKeysNotScopedToCaller, FlawUnvalidatedKey, FlawNoReplayHeader, FlawErrorsNotStored,
		FlawReuse417, FlawReplayRequestID, FlawRefuseReuse, FlawBodyOnlyFingerprint}
}

// ParseFlaw returns the flaw named s ("" is FlawNone).
func ParseFlaw(s string) (Flaw, error) {
	if s == "" {
		return FlawNone, nil
	}
	for _, f := range Flaws() {
		if string(f) == s {
			return f, nil
		}
	}
	return FlawNone, fmt.Errorf("unknown flaw %q", s)
}

// policy holds the switches by which keyed.go deviates from the protocol.
// The zero policy is the correct server.
type policy struct {
	ignoreKey    bool          // FlawNoIdempotency
	raceWindow   time.Duration // FlawRace: >0 separates check from act
	raceBusy     bool          // FlawRace: the window is CPU work, not a parked wait
	bodyBlind    bool          // FlawKeyOnlyFingerprint
	keyOptional  bool          // FlawOptionalKey
	repeatEffect bool          // FlawReplayButRepeat
	confirmWait  time.Duration // FlawDisconnectReleasesKey: >0 waits, on the request's context, after processing
	bumpVersion  bool          // FlawPutBumpsVersion
	deleteGone   int           // FlawDeleteGone500: the status of a DELETE of a missing customer (0: 404)
	pathBlind    bool          // FlawPathBlindFingerprint
	callerBlind  bool          // FlawKeysNotScopedToCaller
	rawKey       bool          // FlawUnvalidatedKey
	noReplayMark bool          // FlawNoReplayHeader
	forgetErrors bool          // FlawErrorsNotStored
	reuse417     bool          // FlawReuse417
	requestID    bool          // FlawReplayRequestID
	refuseReuse  bool          // FlawRefuseReuse
	bodyOnly     bool          // FlawBodyOnlyFingerprint
}

func policyFor(opts Options) (policy, error) {
	switch opts.Flaw {
	case FlawNone:
		return policy{}, nil
	case FlawNoIdempotency:
		return policy{ignoreKey: true}, nil
	case FlawRace:
		w := opts.RaceWindow
		if w <= 0 {
			w = DefaultRaceWindow
		}
		return policy{raceWindow: w, raceBusy: opts.RaceBusy}, nil
	case FlawKeyOnlyFingerprint:
		return policy{bodyBlind: true}, nil
	case FlawOptionalKey:
		return policy{keyOptional: true}, nil
	case FlawReplayButRepeat:
		return policy{repeatEffect: true}, nil
	case FlawDisconnectReleasesKey:
		return policy{confirmWait: DefaultConfirmWait}, nil
	case FlawPutBumpsVersion:
		return policy{bumpVersion: true}, nil
	case FlawDeleteGone500:
		return policy{deleteGone: 500}, nil
	case FlawUndocumentedKey:
		return policy{}, nil // the flaw is in the document: SpecFor
	case FlawPathBlindFingerprint:
		return policy{pathBlind: true}, nil
	case FlawKeysNotScopedToCaller:
		return policy{callerBlind: true}, nil
	case FlawUnvalidatedKey:
		return policy{rawKey: true}, nil
	case FlawNoReplayHeader:
		return policy{noReplayMark: true}, nil
	case FlawErrorsNotStored:
		return policy{forgetErrors: true}, nil
	case FlawReuse417:
		return policy{reuse417: true}, nil
	case FlawReplayRequestID:
		return policy{requestID: true}, nil
	case FlawRefuseReuse:
		return policy{refuseReuse: true}, nil
	case FlawBodyOnlyFingerprint:
		return policy{bodyOnly: true}, nil
	}
	return policy{}, fmt.Errorf("payments: unknown flaw %q", opts.Flaw)
}

// beginCheckThenAct is FlawRace's version of keyStore.begin: the lookup and
// the reservation are two locked steps with a gap between them, so two
// requests can both find the key unseen and both reserve (the second
// overwrites the first) and both process.
func (s *keyStore) beginCheckThenAct(scope, fingerprint string, window time.Duration, busy bool) (*keyEntry, outcome) {
	s.mu.Lock()
	seen := s.lookup(scope) != nil
	s.mu.Unlock()
	if seen {
		return s.begin(scope, fingerprint)
	}
	if busy {
		spin(window) // the "act" comes later than the "check", by window of CPU work
	} else {
		hold(window) // the "act" comes later than the "check", by window exactly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserve(scope, fingerprint), fresh
}
