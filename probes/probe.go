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

// Probe is one experiment from the catalogue in DESIGN.md.
type Probe interface {
	// ID is the stable id used in reports, configuration and baselines.
	ID() string
	// Title says what is tested, in a few words: "retry with the same key".
	Title() string
	// Severity is the default severity of a failure.
	Severity() Severity
	// Applies returns why the probe does not apply to op, or "" when it does.
	Applies(op *openapi.Operation) string
	// Run carries out the experiment on op and fills res's Verdict, Reason,
	// Evidence, Diffs and Effects. It must honour ctx and never panic.
	Run(ctx context.Context, x *Experiment, res *Result)
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
		if want[p.ID()] {
			out = append(out, p)
			delete(want, p.ID())
		}
	}
	if len(want) > 0 {
		var unknown, known []string
		for id := range want {
			unknown = append(unknown, id)
		}
		for _, p := range all {
			known = append(known, p.ID())
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
