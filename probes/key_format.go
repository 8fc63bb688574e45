package probes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/idemcheck/idemcheck/openapi"
)

// keyFormatProbe sends R with malformed, overlong and oddly encoded keys.
// Control: R with a fresh, well-formed key is processed, so the request
// itself is valid. Treatment: one request per key form (keyForms). Each must
// get an answer that is not a 5xx, within the timeout; an empty key must not
// be accepted. Any other rejection (400, 413, 431, …) is correct, and so is
// accepting an odd but non-empty key. A key beyond oversizeLimit may also be
// refused by closing the connection (key_format_oversize.go).
//
// On a nested operation the forms that are accepted use up their parent's
// state (a refund, its payment), so a later one may be refused for want of
// it. A refusal of any form is correct, so that costs no false alarm; only
// the empty key, whose acceptance is a finding, goes to parents of its own
// (chain_round.go, one parent creation more), so that what the others used
// up cannot hide it.
type keyFormatProbe struct{}

// Meta names the profile's documented maximum key length in the rule.
func (keyFormatProbe) Meta(prof *Profile) Meta {
	prof = orDefault(prof)
	rule := "draft-ietf-httpapi-idempotency-key-header §2.1: the key is an RFC 8941 sf-string; a key that is missing or malformed is a client error (400), never a server error, and an empty key is no key"
	if prof.KeyMaxLength > 0 {
		rule += fmt.Sprintf("; %s documents keys of at most %d characters (%s)", prof.Name, prof.KeyMaxLength, prof.Source)
	}
	return Meta{
		ID:       "key-format",
		Title:    "malformed and overlong keys are handled",
		Severity: Minor,
		Rule:     rule,
		Fix:      "validate the key before using it (non-empty, a bounded length, printable characters) and answer 400 to anything else; bound header sizes (431) before they reach the key store",
	}
}

func (keyFormatProbe) Applies(op *openapi.Operation) string { return needsKey(op) }

// keyForm is one malformed key: its label and how to make it from a fresh
// well-formed key (so keys that are accepted never collide).
type keyForm struct {
	label string
	make  func(fresh string) string
	// headerOnly forms make sense only for a key in a header (RFC 8941).
	headerOnly bool
}

// keyForms are the keys tried, in order. Control characters other than tab
// are not sendable in a header: Go's client refuses them, and so would any
// proxy; they are recorded as "not sendable".
var keyForms = []keyForm{
	{label: "empty key", make: func(string) string { return "" }},
	{label: "256-character key", make: func(k string) string { return pad(k, 256) }},
	{label: "64 KiB key", make: func(k string) string { return pad(k, 64<<10) }},
	{label: "key with a comma", make: func(k string) string { return k + ",second" }},
	{label: "key with a space", make: func(k string) string { return k + " second" }},
	{label: "key with a tab", make: func(k string) string { return k + "\tsecond" }},
	{label: "key with a control character (0x01)", make: func(k string) string { return k + "\x01" }},
	{label: "key with non-ASCII characters", make: func(k string) string { return k + "-clé-ü" }},
	{label: `RFC 8941 string form ("key")`, make: func(k string) string { return `"` + k + `"` }, headerOnly: true},
	{label: "bare form (key)", make: func(k string) string { return k }, headerOnly: true},
}

// pad lengthens k to n bytes.
func pad(k string, n int) string {
	if len(k) >= n {
		return k[:n]
	}
	return k + strings.Repeat("x", n-len(k))
}

func (keyFormatProbe) Run(ctx context.Context, x *Experiment, res *Result) {
	prof := x.Profile()
	if x.sendProcessed(ctx, res, "control: well-formed fresh key", x.Key(), nil) == nil {
		return
	}

	emptyOp := x.Op // the empty key's own parents (see above)
	if len(x.Op.Chain) > 0 {
		op, _, setup, err := x.roundParent(ctx) // chain_round.go
		if len(setup) > 0 {
			x.record(setup[len(setup)-1])
		}
		if err != nil {
			errorf(res, "the empty key's own parent: %v", err)
			return
		}
		emptyOp = op
	}
	var problems, notes, outcomes []string
	// The side effect of the key forms is evidence only: an accepted odd key
	// legitimately creates something. Each form has a fresh key of its own,
	// so the forms are independent requests and go out at once; they are
	// judged and recorded in keyForms' order.
	_, _, err := x.Measure(ctx, "malformed keys", func() error {
		sent := sendKeyForms(ctx, x, emptyOp)
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, s := range sent {
			f, key, r, err := s.form, s.key, s.r, s.err
			if s.ex.Label != "" { // built and sent
				x.record(s.ex)
			}
			switch {
			case !s.sendable:
				outcomes = append(outcomes, f.label+": not sendable")
			case errors.As(err, new(*closedError)):
				outcomes = append(outcomes, f.label+": refused (connection closed)")
				notes = append(notes, fmt.Sprintf("the %s was refused by closing the connection without an answer, which is how many servers refuse a header or body beyond their limit", f.label))
			case err != nil && isTimeout(err):
				problems = append(problems, fmt.Sprintf("%s: no answer within %s (a hang)", f.label, x.Env.Timeout))
				outcomes = append(outcomes, f.label+": timeout")
			case err != nil:
				problems = append(problems, fmt.Sprintf("%s: the connection failed without an answer (%v); a malformed key deserves a 4xx", f.label, err))
				outcomes = append(outcomes, f.label+": no answer")
			default:
				outcomes = append(outcomes, fmt.Sprintf("%s: %d", f.label, r.Status))
				switch {
				case r.Status >= 500:
					problems = append(problems, fmt.Sprintf("%s: server error %d", f.label, r.Status))
				case key == "" && r.is2xx() && x.Op.Key.Required:
					problems = append(problems, fmt.Sprintf("%s: accepted (%d); an empty key is no key and must be rejected with 400", f.label, r.Status))
				case key == "" && r.is2xx():
					notes = append(notes, fmt.Sprintf("an empty key was processed (%d) as a request without a key (the key is optional)", r.Status))
				case r.is2xx() && prof.KeyMaxLength > 0 && len(key) > prof.KeyMaxLength:
					notes = append(notes, fmt.Sprintf("a key of %d bytes was accepted although %s allows %d", len(key), prof.Name, prof.KeyMaxLength))
				}
			}
		}
		return nil
	})
	if err != nil {
		errorf(res, "%v", err)
		return
	}
	res.Diffs = append(res.Diffs, "answers by key form:\n  "+strings.Join(outcomes, "\n  "))
	if len(problems) > 0 {
		fail(res, strings.Join(problems, "; "))
		return
	}
	reason := fmt.Sprintf("every key form was answered without a server error or refused (%d forms)", len(outcomes))
	if len(notes) > 0 {
		reason += "; note: " + strings.Join(notes, "; ")
	}
	pass(res, reason)
}

// sentKey is one key form sent: its key, the reply or error, and the
// exchange to record (when sendable).
type sentKey struct {
	form     keyForm
	op       *openapi.Operation
	key      string
	r        *reply
	ex       Exchange
	sendable bool
	err      error
}

// sendKeyForms sends op's request once per key form that applies to op, all
// at once (the empty key to emptyOp), and returns what each got in
// keyForms' order.
func sendKeyForms(ctx context.Context, x *Experiment, emptyOp *openapi.Operation) []sentKey {
	var sent []sentKey
	for _, f := range keyForms {
		if f.headerOnly && x.Op.Key.In != openapi.KeyHeader {
			continue
		}
		s := sentKey{form: f, op: x.Op, key: f.make(x.Key())}
		if s.key == "" {
			s.op = emptyOp
		}
		sent = append(sent, s)
	}
	var wg sync.WaitGroup
	for i := range sent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &sent[i]
			s.r, s.ex, s.sendable, s.err = sendKey(ctx, x, s.op, s.form.label, s.key)
		}()
	}
	wg.Wait()
	return sent
}

// sendKey sends op's request carrying key verbatim (empty included, which
// Experiment.Send would treat as "no key") and returns the exchange to
// record. sendable is false when the key cannot be put on the wire at all
// (a control character in a header). Long keys are shortened in the
// evidence so a report stays readable.
func sendKey(ctx context.Context, x *Experiment, op *openapi.Operation, label, key string) (r *reply, ex Exchange, sendable bool, err error) {
	var req *http.Request
	switch op.Key.In {
	case openapi.KeyHeader:
		req, err = buildFor(x, op, "", nil)
		if err == nil {
			req.Header[http.CanonicalHeaderKey(op.Key.Name)] = []string{key}
		}
	default: // a body or form field: set it on a copy of the planned body
		req, err = buildFor(x, op, "", op.Request.Body.With(op.Key.Name, key))
	}
	if err != nil {
		return nil, Exchange{}, true, err
	}
	payload := requestBody(req)
	if len(key) > oversizeLimit { // key_format_oversize.go: a refusal by closing is read as one
		where := "body"
		if op.Key.In == openapi.KeyHeader {
			where = "header"
		}
		r, ex, err = x.exchangeOversize(ctx, label, req, len(key), where)
	}
	if len(key) <= oversizeLimit || errors.Is(err, errRawDial) { // nothing sent yet: the ordinary client
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, Exchange{}, true, err
			}
		}
		r, ex, err = x.exchange(ctx, label, req)
	}
	if err != nil && isInvalidHeader(err) {
		return nil, Exchange{}, false, nil
	}
	ex.Request = recordRequest(req, shorten(payload), x.Env.Header)
	for name, vs := range ex.Request.Header {
		for i, v := range vs {
			vs[i] = string(shorten([]byte(v)))
		}
		ex.Request.Header[name] = vs
	}
	return r, ex, true, err
}

// shorten cuts evidence over 300 bytes, saying how much was cut.
func shorten(b []byte) []byte {
	const max = 300
	if len(b) <= max {
		return b
	}
	return fmt.Appendf(append([]byte(nil), b[:max]...), "…(%d bytes)", len(b))
}

// isTimeout reports whether err is a request that timed out.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &t) && t.Timeout())
}

// isInvalidHeader reports whether err is Go's client refusing a header
// value it cannot send.
func isInvalidHeader(err error) bool {
	return strings.Contains(err.Error(), "invalid header field value")
}
