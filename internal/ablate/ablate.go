// Package ablate switches off, in tests only, the parts of issue 23 that
// make a correct API pass, each at the one place where its decision is
// taken, so that examples/generic's ablation test can show the sweep fail
// without each (docs/development.md). Every switch is on (the part works)
// unless a test turns it off with Set; nothing in a build of idemcheck
// does, and the package is internal, so no user can.
package ablate

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Part is one mechanism of a part of issue 23 ("What to build" 1–7): a
// part built of two mechanisms that each stand in for the other on some
// APIs has a switch for each, so that every switch is consulted at one
// place.
type Part int

// The switches, each with what switching it off restores: the behaviour
// before the part was built.
const (
	// Producers (part 1): a resource at /things/{id} that a PUT on that
	// path creates is made under a fresh id per experiment. Off: nothing
	// produces {id}, and the document's example id is sent.
	Producers Part = iota + 1
	// IDWords (part 1): the field of a create's response that names what
	// it created is found by the parameter's words and the response
	// schema ({paymentPspReference} ← pspReference). Off: only a field
	// named id or as the parameter, at the top or in data.
	IDWords
	// ObserverShape (part 2): a same-path GET is a list only when its
	// response is one. Off: every GET beside a create is taken for its list.
	ObserverShape
	// BlindObserver (part 2): an observer inferred from the document that
	// fails (a non-2xx read, no array where one was expected) costs the
	// side-effect evidence, never the verdict. Off: the failure is the
	// probe's error.
	BlindObserver
	// ReadRead (part 3): an observer is read twice with nothing sent in
	// between before its readings count. Off: no control, every observer
	// is trusted.
	ReadRead
	// RoundParents (part 4): every round of concurrent and every repeated
	// step of a nested operation gets a parent of its own. Off: all run on
	// the experiment's one parent.
	RoundParents
	// RefusedRounds (part 4): a measured round of concurrent in which the
	// request itself was refused is inconclusive. Off: it is a defect ("no
	// copy was processed").
	RefusedRounds
	// RequiredMembers (part 5): a nested object with no properties of its
	// own (only additionalProperties) gets a member. Off: it is sent empty,
	// which a form encodes as nothing, so a required one is missing.
	RequiredMembers
	// ValidReads (part 6): observer reads, read-backs and lists get their
	// required query, header and cookie parameters. Off: bare GETs.
	ValidReads
	// TruthfulOutcome (part 7): a run in which no probe at or above the
	// gate could run is untestable. Off: it passes.
	TruthfulOutcome
	numParts
)

var names = [numParts]string{"", "Producers", "IDWords", "ObserverShape", "BlindObserver", "ReadRead", "RoundParents", "RefusedRounds", "RequiredMembers", "ValidReads", "TruthfulOutcome"}

// issueParts are the parts of issue 23 the switches belong to.
var issueParts = [numParts]int{0, 1, 1, 2, 2, 3, 4, 4, 5, 6, 7}

// Issue is the number of the part of issue 23 that p belongs to.
func (p Part) Issue() int {
	if p <= 0 || p >= numParts {
		return 0
	}
	return issueParts[p]
}

// String is the part's switch name ("ReadRead").
func (p Part) String() string {
	if p <= 0 || p >= numParts {
		return fmt.Sprintf("Part(%d)", int(p))
	}
	return names[p]
}

// Parts lists every part, in order.
func Parts() []Part {
	out := make([]Part, 0, numParts-1)
	for p := Producers; p < numParts; p++ {
		out = append(out, p)
	}
	return out
}

// off holds the switches; atomic because a check reads them from the
// goroutines of its workers.
var off [numParts]atomic.Bool

// Off reports whether a test switched p off: the decision point then falls
// back to the behaviour before the part existed.
func Off(p Part) bool { return p > 0 && p < numParts && off[p].Load() }

// TB is the part of testing.TB that Set uses (the package does not import
// testing, so that no build of idemcheck links it).
type TB interface {
	Helper()
	Cleanup(func())
	Setenv(key, value string)
	Fatalf(format string, args ...any)
}

// Env names the parts a test switched off. Nothing reads it: Set sets it
// with t.Setenv, which refuses a parallel test (and keeps the test from
// becoming one), because a switch is global to the process and would
// change what a test running beside it checks.
const Env = "IDEMCHECK_ABLATED"

var mu sync.Mutex

// Set switches p off for the rest of the test t and on again when it ends.
func Set(t TB, p Part) {
	t.Helper()
	if p <= 0 || p >= numParts {
		t.Fatalf("ablate: no part %d", int(p))
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if off[p].Load() {
		t.Fatalf("ablate: %s is already off: another test switched it, or this one twice", p)
		return
	}
	t.Setenv(Env, strings.Join(append(offNames(), p.String()), ","))
	off[p].Store(true)
	t.Cleanup(func() { off[p].Store(false) })
}

func offNames() []string {
	var out []string
	for p := Producers; p < numParts; p++ {
		if off[p].Load() {
			out = append(out, p.String())
		}
	}
	return out
}
