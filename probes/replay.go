package probes

import (
	"context"
	"fmt"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// replayProbe sends R with key K, then R with K again (DefaultReplays times).
// Control: the first request, which must be processed (2xx) and whose side
// effect is measured. Treatment: the retries, which must reproduce the first
// response and add no side effect.
type replayProbe struct{}

func (replayProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "replay",
		Title:    "retry with the same key returns the stored result",
		Severity: Critical,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.6: a retry with the same key returns the stored result and is not processed again",
		Fix:      "store the first response under the key (scoped to the client and endpoint) and return it, unprocessed, for every retry",
	}
}

func (replayProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

func (replayProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	key := x.Key()

	first, oneEffect, observed, ok := x.measureProcessed(ctx, res, "first request", key)
	if !ok {
		return
	}

	var replies []*reply
	extra, observedRetries, err := x.Measure(ctx, "retries", func() error {
		for i := 1; i <= DefaultReplays; i++ {
			r, err := x.Send(ctx, fmt.Sprintf("retry %d", i), key, nil)
			if err != nil {
				return fmt.Errorf("retry %d: %w", i, err)
			}
			replies = append(replies, r)
		}
		return nil
	})
	if err != nil {
		errorf(res, "%v", err)
		return
	}
	observed = observed && observedRetries // an inferred observer may fail during the retries (observe.go)

	var problems []string
	for i, r := range replies {
		if d := x.Profile().replayDiff(first, r, x.ignoreFields); d != "" { // profile.go: PayPal replays the latest status
			problems = append(problems, fmt.Sprintf("retry %d differs from the first response (status %d → %d)", i+1, first.Status, r.Status))
			res.Diffs = append(res.Diffs, fmt.Sprintf("retry %d vs first response (-first +retry):\n%s", i+1, d))
		}
	}
	if observed && extra > 0 {
		problems = append(problems, fmt.Sprintf("the retries added %d side effect(s); the first request alone added %d", extra, oneEffect))
	}
	if len(problems) > 0 {
		fail(res, strings.Join(problems, "; "))
		return
	}
	pass(res, fmt.Sprintf("%d retries returned the stored result%s", len(replies), effectNote(observed, oneEffect, extra)))
}

// effectNote describes the side-effect measurement of a passing verdict, so a
// pass states what it rests on.
func effectNote(observed bool, one, extra int) string {
	if !observed {
		return " (side effects not observed: judged on responses only)"
	}
	return fmt.Sprintf(" and added no side effect (first request: %+d, retries: %+d)", one, extra)
}
