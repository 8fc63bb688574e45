package probes

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/openapi"
)

// ordinaryReplay is a control for probes whose own experiment ends in a
// retry (retry-after-drop, error-replay): the planned request, processed
// with its key, and retried once the ordinary way. When that plain retry
// is not answered with the stored result either, a retry that differs in
// the probe's experiment is replay's defect, not the probe's, and becomes
// a note pointing to replay. It is sent only when needed, and at most once.
type ordinaryReplay struct {
	x     *Experiment
	key   string
	first *reply // the processed request with key; nil: send one when needed
	// op is where first went, which a later step may have left for
	// parents of its own (chain_round.go); nil: the experiment's operation
	// when the requests are sent.
	op *openapi.Operation

	done  bool
	retry *reply
	err   error
}

// get returns the plain retry (sending the first request too when none was
// given), or an error; a first request that is not processed is an error.
func (o *ordinaryReplay) get(ctx context.Context) (first, retry *reply, err error) {
	if o.done {
		return o.first, o.retry, o.err
	}
	o.done = true
	if o.op == nil {
		o.op = o.x.Op
	}
	if o.first == nil {
		o.key = o.x.Key()
		o.first, o.err = o.send(ctx, "control: ordinary request, fresh key")
		if o.err == nil && !o.first.is2xx() {
			o.err = fmt.Errorf("the ordinary request was not processed (status %d)", o.first.Status)
		}
		if o.err != nil {
			return nil, nil, o.err
		}
	}
	o.retry, o.err = o.send(ctx, "control: ordinary retry, same key")
	return o.first, o.retry, o.err
}

// send sends o.op's request with o.key and records it under label.
func (o *ordinaryReplay) send(ctx context.Context, label string) (*reply, error) {
	req, err := buildFor(o.x, o.op, o.key, nil)
	if err != nil {
		return nil, err
	}
	return o.x.Do(ctx, label, req)
}

// refusesRetries returns a note when the plain retry got status too (a
// server that refuses every reuse of a key), else "".
func (o *ordinaryReplay) refusesRetries(ctx context.Context, status int) string {
	first, retry, err := o.get(ctx)
	if err != nil || retry.Status != status || retry.is2xx() {
		return ""
	}
	return fmt.Sprintf("an ordinary retry of a completed request gets %d too (%d → %d): the server does not replay stored results, see replay", status, first.Status, retry.Status)
}

// rendersDifferently returns a note when the plain retry differs from its
// first response too (a replay that re-renders a volatile field), else "".
func (o *ordinaryReplay) rendersDifferently(ctx context.Context) string {
	first, retry, err := o.get(ctx)
	if err != nil || !isReplayOf(first, retry) {
		return ""
	}
	if d := o.x.Profile().replayDiff(first, retry, o.x.run.IgnoreFields); d == "" {
		return ""
	}
	return "an ordinary replay differs from its first response as well (same status and resource, another body): replays are not rendered identically, see replay"
}
