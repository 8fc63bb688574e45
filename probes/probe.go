// Package probes runs idempotency experiments against a live API. Each probe
// is one experiment with a control and a treatment, in a file of its own;
// the runner schedules them and returns one Result per (operation, probe).
package probes

import (
	"context"
	"fmt"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// Probe is one experiment of the catalogue (docs/probes.md).
type Probe interface {
	// Meta is what the probe is, known before any run, with its rule and
	// fix worded for prof (nil: DefaultProfile). ID, Title and Severity are
	// the same under every profile.
	Meta(prof *Profile) Meta
	// Applies returns why the probe does not apply to op, or "" when it does.
	Applies(op *openapi.Operation) string
	// Run carries out the experiment on op and fills res's Verdict, Reason,
	// Evidence, Diffs and Effects. The runner has set res's Rule and Fix
	// from Meta before; Run may narrow Fix to what the verdict found. It
	// must honour ctx and never panic.
	Run(ctx context.Context, x *Experiment, res *Result)
}

// Meta is a probe's metadata. Reports show Rule and Fix with every result
// the probe ran, and the SARIF log declares one rule per probe from them;
// docs/probes.md and the README's probe list are generated from them
// (docs_test.go).
type Meta struct {
	// ID is the stable id used in reports, configuration and baselines.
	ID string
	// Title says what is tested, in a few words: "retry with the same key
	// returns the stored result".
	Title string
	// Severity is the severity of a failure; a conformance finding is
	// capped at Minor (verdict.go).
	Severity Severity
	// Rule is the reference the probe checks: the IETF draft's section, an
	// RFC, or a provider's documented behaviour.
	Rule string
	// Fix is what to change when the probe fails.
	Fix string
}

// orDefault is prof, or the DefaultProfile when prof is nil.
func orDefault(prof *Profile) *Profile {
	if prof != nil {
		return prof
	}
	p, _ := LookupProfile(DefaultProfile)
	return p
}

// All returns every implemented probe, in catalogue order.
func All() []Probe {
	return []Probe{
		replayProbe{},
		concurrentProbe{},
		mismatchBodyProbe{},
		mismatchTargetProbe{},
		mismatchParamsProbe{},
		missingKeyProbe{},
		keyFormatProbe{},
		crossPrincipalProbe{},
		replayMarkerProbe{},
		errorReplayProbe{},
		retryAfterDropProbe{},
		naturalPutProbe{},
		naturalDeleteProbe{},
		specProbe{},
	}
}

// Select returns the probes named by ids, in catalogue order; all of them
// when ids is empty. An unknown id is an error that lists the known ones.
func Select(ids []string) ([]Probe, error) {
	all := All()
	if len(ids) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[strings.TrimSpace(id)] = true
	}
	var out []Probe
	for _, p := range all {
		if id := p.Meta(nil).ID; want[id] {
			out = append(out, p)
			delete(want, id)
		}
	}
	if len(want) > 0 {
		var unknown, known []string
		for id := range want {
			unknown = append(unknown, id)
		}
		for _, p := range all {
			known = append(known, p.Meta(nil).ID)
		}
		return nil, fmt.Errorf("unknown probe %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return out, nil
}

// needsKey is the Applies rule shared by the probes that reuse a key.
func needsKey(op *openapi.Operation) string {
	if op.Key.In == openapi.KeyNone {
		return "the operation declares no idempotency key (set one with --key-header or --key-field)"
	}
	return ""
}
