package probes

import (
	"context"
	"fmt"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// mismatchParamsProbe reuses a key with the same body and another value of
// one declared query or header parameter (openapi.ParamAlt: capture=false
// where R leaves capture out, another enum value, a flipped boolean). A
// server that fingerprints only the body — a popular Node.js middleware
// keys its cache by method, path without the query, and key — answers
// POST /v1/payments?capture=false with the stored, captured payment, and the
// client believes its payment is only authorized.
//
// Controls: R twice with fresh keys, and R′ (R with the parameter changed)
// with a fresh key sent between them. R′ must be processed, and differ from
// R beyond what differs between the two Rs (ids, timestamps, request ids,
// canaries: volatile) and beyond an echo of the query in a URL, or in its
// side effect: that difference is what the parameter governs, and proves
// R′ means something else. A value refused with a fresh key, or that makes
// no difference, is not tried under the key; a parameter none of whose
// values made a difference is reported as not tried, with the reason.
//
// Treatment: R with K (the R just before the control), then R′ with K. It
// fails (major, safety) when R′ is answered with R's stored result — the
// identical response, one marked as a replay, R's resource — or with a 2xx
// that did nothing where the control did something, or gets a 5xx. A
// refusal (4xx) passes, and so does processing R′ on its own (keys scoped
// per query); a refusal with a status the profile does not name for reuse
// is a minor conformance finding, as in mismatch-body. A header is varied
// only when it says it changes the outcome (openapi/altparams.go).
//
// Where it meets cross-principal: headers that name an account or tenant
// (Stripe-Account, X-Tenant-Id, On-Behalf-Of) are never varied here
// (openapi/paramroles.go) and neither is any header -H or --other-header
// sets. A replay across principals is cross-principal's finding, which
// --other-header 'Stripe-Account: acct_…' tests: one defect, one finding.
//
// Cost: at most 3 parameters (openapi.maxVariedParams) and 2 values each.
// One R, then per value tried R′ and another R with fresh keys, then per
// parameter that made a difference R′ with K: 4 requests for one parameter
// whose first value matters, at most 16. An R refused after it was
// processed (a balance the Rs used up) stops the trial without an error.
// The steps are in mismatch_params_trial.go.
type mismatchParamsProbe struct{}

func (mismatchParamsProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "mismatch-params",
		Title:    "key reused with other query or header parameters is not replayed",
		Severity: Major,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.2 and §2.7: a key reused with a different request is rejected (422), never answered with the stored result; the query is part of the request (Stripe compares every incoming parameter, Telnyx requires the same query parameters with the same values)",
		Fix:      "include the query string and every header parameter that changes the outcome in the request fingerprint, and reject a reuse whose fingerprint differs with 422 (or scope keys by them)",
	}
}

func (mismatchParamsProbe) Applies(op *openapi.Operation) string {
	if r := needsKey(op); r != "" {
		return r
	}
	if len(op.AltParams) == 0 {
		return "the operation declares no query or header parameter besides the key"
	}
	if len(openapi.VariedParams(op.AltParams)) == 0 {
		return "no parameter to vary: " + leftParams(op.AltParams)
	}
	return ""
}

// leftParams says why each parameter is not varied.
func leftParams(alts []openapi.ParamAlt) string {
	var out []string
	for _, a := range alts {
		if a.Skip != "" {
			out = append(out, fmt.Sprintf("%s %s: %s", a.In, a.Name, a.Skip))
		}
	}
	return strings.Join(out, "; ")
}

func (mismatchParamsProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	params, left := paramsToVary(x)
	if len(params) == 0 {
		skip(res, "no parameter to vary: "+strings.Join(left, "; "))
		return
	}
	t := &paramsTrial{x: x, res: res}
	if !t.nextR(ctx) {
		return
	}
	for i, pa := range params {
		if !t.vary(ctx, pa) {
			if t.stopped == "" {
				return // an error: res says why
			}
			for _, rest := range params[i+1:] {
				t.untried = append(t.untried, fmt.Sprintf("%s %s: not reached", rest.In, rest.Name))
			}
			break
		}
	}
	t.verdict(left)
}

// paramsToVary are the operation's varied parameters, less the headers the
// user sets (-H: the user's value wins; --other-header: another principal,
// cross-principal's), and why the others are left.
func paramsToVary(x *Experiment) (vary []openapi.ParamAlt, left []string) {
	for _, a := range x.Op.AltParams {
		switch {
		case a.Skip != "":
			left = append(left, fmt.Sprintf("%s %s: %s", a.In, a.Name, a.Skip))
		case a.In == "header" && x.Env.OtherHeader.Get(a.Name) != "":
			left = append(left, fmt.Sprintf("header %s: names the second principal (--other-header): cross-principal's", a.Name))
		case a.In == "header" && x.Env.Header.Get(a.Name) != "":
			left = append(left, fmt.Sprintf("header %s: set with -H, whose value is always sent", a.Name))
		default:
			vary = append(vary, a)
		}
	}
	return vary, left
}

// withRequest is op with another request (same key place, canary, chain).
func withRequest(op *openapi.Operation, r *openapi.Request) *openapi.Operation {
	c := *op
	c.Request = r
	return &c
}

// sendOp builds op's request with key and sends it, recorded under label.
func sendOp(ctx context.Context, x *Experiment, op *openapi.Operation, label, key string) (*reply, error) {
	req, err := buildFor(x, op, key, nil)
	if err != nil {
		return nil, err
	}
	return x.Do(ctx, label, req)
}
