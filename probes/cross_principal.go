package probes

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// crossPrincipalProbe checks that keys are scoped to the client: principal B
// sending R with the key principal A used must never receive A's stored
// response. B is named by --other-header (Env.OtherHeader). Control: B sends
// R with a fresh key and is processed, so B is a principal that can perform
// R at all. Treatment: A sends R with K; B sends R with K. B's response must
// not be A's: not identical, and not about the same resource.
//
// On a nested operation B's control and B's request with K each go to a
// parent of B's own (one parent creation more): on the control's, B's
// request could be refused for a balance or quota the control used up,
// which would read as keys shared across principals.
type crossPrincipalProbe struct{}

func (crossPrincipalProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "cross-principal",
		Title:    "another principal never receives the stored response",
		Severity: Critical,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2 and §4 (security considerations): keys are unique per client; Stripe and Adyen scope keys to the account, so another principal's key never yields a stored response",
		Fix:      "scope the key store by the authenticated principal (the key's lookup key is principal + endpoint + key), never by the key alone",
	}
}

func (crossPrincipalProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

// appliesWith implements envApplier: without a second principal there is
// nothing to test, and no parent to create for it.
func (crossPrincipalProbe) appliesWith(env *Env) string {
	if len(env.OtherHeader) == 0 {
		return "no second principal: name one with --other-header 'Authorization: Bearer …' (repeatable)"
	}
	return ""
}

func (crossPrincipalProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	if why := (crossPrincipalProbe{}).appliesWith(x.Env); why != "" {
		skip(res, why)
		return
	}

	// A chained operation's parent belongs to A; B acts on a parent of its
	// own (chain.go), so B's control is not refused for want of access.
	opB, treatB := x.Op, x.Op
	if len(x.Op.Chain) > 0 {
		envB := *x.Env
		envB.Header = principalB(x.Env)
		var err error
		if opB, err = x.chained(ctx, &envB, x.Op, 0, nil); err == nil {
			treatB, err = x.chained(ctx, &envB, x.Op, 0, nil)
		}
		if err != nil {
			skip(res, fmt.Sprintf("principal B cannot create its own parent: %v", err))
			return
		}
	}

	control, err := sendAs(ctx, x, opB, "control: principal B, fresh key", x.Key())
	if err != nil {
		errorf(res, "control request as principal B: %v", err)
		return
	}
	if !control.is2xx() {
		if !control.refused() {
			x.notProcessed(res, "principal B's control request", control)
			return
		}
		skip(res, fmt.Sprintf("principal B cannot perform the request even with a fresh key (status %d), so B receiving nothing proves nothing; name a principal with access (--other-header)", control.Status))
		return
	}

	key := x.Key()
	a := x.sendProcessed(ctx, res, "principal A, key K", key, nil)
	if a == nil {
		return
	}
	var b *reply
	// Evidence only: A's observer may or may not see B's resources.
	_, _, err = x.Measure(ctx, "principal B, same key K (seen by principal A)", func() error {
		var err error
		b, err = sendAs(ctx, x, treatB, "principal B, same key K", key)
		return err
	})
	if err != nil {
		errorf(res, "request as principal B: %v", err)
		return
	}

	d := diffReplies(a, b, x.ignoreFields)
	aID, bID := resourceID(a), resourceID(b)
	// When every processing yields the same response (no id, no timestamp:
	// B's own control looks exactly like A's), an identical answer to B
	// proves nothing by itself; only a replay marker tells a replay apart.
	indistinct := diffReplies(a, control, x.ignoreFields) == ""
	marker, _ := x.Profile().replayMarker(b)
	switch {
	case b.is2xx() && marker != "":
		fail(res, fmt.Sprintf("principal B received a replay of principal A's stored response (status %d, %s): keys are not scoped to the principal — a data leak", b.Status, marker))
	case b.is2xx() && d == "" && indistinct:
		skip(res, fmt.Sprintf("cannot tell: every processing of this request answers the same (B's own request with a fresh key looked exactly like A's) and B's answer carries no replay marker, so B receiving A's stored response and B being processed on its own look alike (status %d)", b.Status))
	case b.is2xx() && d == "":
		fail(res, fmt.Sprintf("principal B received principal A's stored response (status %d, identical body): keys are not scoped to the principal — a data leak", b.Status))
	case b.is2xx() && aID != "" && aID == bID && resourceID(control) != aID:
		fail(res, fmt.Sprintf("principal B received a response about principal A's resource %q: keys are not scoped to the principal — a data leak", aID))
		res.Diffs = append(res.Diffs, "A's response vs B's (-A +B):\n"+d)
	case b.is2xx():
		pass(res, fmt.Sprintf("principal B's request with A's key was processed on its own (status %d, resource %q, A's was %q)", b.Status, bID, aID))
	case b.is4xx():
		pass(res, fmt.Sprintf("principal B's request with A's key was refused (%d) without A's response; keys are shared across principals, which lets one block another's keys, but nothing leaked", b.Status))
	default:
		pass(res, fmt.Sprintf("principal B's request with A's key got %d, not A's response", b.Status))
	}
}

// principalB is Env.Header with the headers of Env.OtherHeader replacing
// the same-named ones.
func principalB(env *Env) http.Header {
	merged := env.Header.Clone()
	if merged == nil {
		merged = http.Header{}
	}
	for name, vs := range env.OtherHeader {
		merged[name] = append([]string(nil), vs...)
	}
	return merged
}

// sendAs sends op's request with key as principal B: Env.Header with the
// headers of Env.OtherHeader replacing the same-named ones. Both principals'
// headers are redacted in the evidence.
func sendAs(ctx context.Context, x *Experiment, op *openapi.Operation, label, key string) (*reply, error) {
	merged := principalB(x.Env)
	req, err := op.Request.Build(x.Env.BaseURL, op.Key, key, withCanary(x, op, key, nil), merged)
	if err != nil {
		return nil, err
	}
	redact := merged.Clone()
	for name, vs := range x.Env.Header {
		redact[name] = vs
	}
	payload := requestBody(req)
	r, ex, err := x.exchange(ctx, label, req)
	ex.Request = recordRequest(req, payload, redact)
	ex.Response = recordResponse(r, redact)
	ex.Label += " (as " + principalNames(x.Env.OtherHeader) + ")"
	x.record(ex)
	return r, err
}

// principalNames lists the header names that make principal B, for labels.
func principalNames(h http.Header) string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
