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
	// accepted; replay-marker: no replay is ever marked; retry-after-drop:
	// the retry creates a second payment).
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
)

// DefaultRaceWindow is FlawRace's gap between check and act when
// Options.RaceWindow is zero: wide enough that concurrent requests land in it.
const DefaultRaceWindow = 2 * time.Millisecond

// Flaws lists every flaw, FlawNone excluded, in a stable order.
func Flaws() []Flaw {
	return []Flaw{FlawNoIdempotency, FlawRace, FlawKeyOnlyFingerprint, FlawOptionalKey, FlawReplayButRepeat}
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
	bodyBlind    bool          // FlawKeyOnlyFingerprint
	keyOptional  bool          // FlawOptionalKey
	repeatEffect bool          // FlawReplayButRepeat
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
		return policy{raceWindow: w}, nil
	case FlawKeyOnlyFingerprint:
		return policy{bodyBlind: true}, nil
	case FlawOptionalKey:
		return policy{keyOptional: true}, nil
	case FlawReplayButRepeat:
		return policy{repeatEffect: true}, nil
	}
	return policy{}, fmt.Errorf("payments: unknown flaw %q", opts.Flaw)
}

// beginCheckThenAct is FlawRace's version of keyStore.begin: the lookup and
// the reservation are two locked steps with a gap between them, so two
// requests can both find the key unseen and both reserve (the second
// overwrites the first) and both process.
func (s *keyStore) beginCheckThenAct(scope, fingerprint string, window time.Duration) (*keyEntry, outcome) {
	s.mu.Lock()
	seen := s.lookup(scope) != nil
	s.mu.Unlock()
	if seen {
		return s.begin(scope, fingerprint)
	}
	time.Sleep(window) // the "act" comes later than the "check"
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserve(scope, fingerprint), fresh
}
