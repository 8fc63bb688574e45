package openapi

import (
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// What a query or header parameter is for, read from its name: the
// mismatch-params probe varies only parameters that can change what a
// request does (altparams.go). A name that says "credential", "account",
// "trace id", "representation" or "precondition" is never varied. The rule
// errs on the side of leaving a parameter out: a parameter wrongly left out
// is a test not run (and the plan says why), one wrongly varied could be a
// false alarm on a correct server that rightly leaves it out of its
// fingerprint.

// Word lists, matched against the words of a name ("X-Request-Id" → x,
// request, id; "merchantAccount" → merchant, account).
var (
	accountWords = words("account accounts tenant behalf organization organisation org workspace merchant company assertion impersonate impersonation subaccount")
	credWords    = words("authorization auth token secret password passwd apikey signature cookie session credential credentials")
	traceWords   = words("correlation trace traceparent tracestate span metadata attribution nonce timestamp forwarded agent requestid")
	reprWords    = words("accept prefer fields field expand include includes embed select pretty locale lang language format version view projection callback debug verbose envelope page pagesize limit offset cursor sort")
	condWords    = words("range digest md5 etag checksum content")
	outcome      = words("capture dry dryrun test simulate simulation preview validate validation confirm force notify notification async mode auto execute commit live sandbox send charge authorize approve immediate instant")
)

// notVaried says why p is never varied; "" when it may be.
func notVaried(p *openapi3.Parameter, creds map[string]bool) string {
	w := nameWords(p.Name)
	header := p.In == openapi3.ParameterInHeader
	switch {
	case creds[p.In+" "+strings.ToLower(p.Name)]:
		return "a credential (a security scheme of the document)"
	case anyWord(w, accountWords):
		return "names an account or tenant: a replay across principals is cross-principal's finding (--other-header)"
	case anyWord(w, credWords) || pair(w, "api", "key") || pair(w, "access", "key") || pair(w, "client", "secret"):
		return "a credential"
	case prefixWord(w, "idempoten"):
		return "an idempotency key"
	case anyWord(w, traceWords) || pair(w, "request", "id") || header && anyWord(w, words("date")):
		return "a tracing or metadata value: a retry may carry a new one"
	case header && len(w) > 0 && w[0] == "if", header && anyWord(w, condWords):
		return "a precondition or a description of the body"
	case anyWord(w, reprWords):
		return "selects the representation (negotiation, fields, expansion, pagination, locale or version), not the outcome"
	}
	return ""
}

// outcomeWords reports whether text speaks of what the request does.
func outcomeWords(text string) bool {
	return anyWord(nameWords(text), outcome)
}

// words makes a set of a space-separated list.
func words(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// nameWords splits a name into lower-case words at non-alphanumerics and
// at lower-to-upper case changes: "merchantAccount" → merchant, account;
// "X-Request-Id" → x, request, id.
func nameWords(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for i, r := range name {
		if i > 2000 {
			break // a description is enough to judge by its start
		}
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

func anyWord(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if set[w] {
			return true
		}
	}
	return false
}

// pair reports whether a is directly followed by b in ws.
func pair(ws []string, a, b string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if ws[i] == a && ws[i+1] == b {
			return true
		}
	}
	return false
}

func prefixWord(ws []string, prefix string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}
