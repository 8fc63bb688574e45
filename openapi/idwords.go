package openapi

import (
	"strings"
	"unicode"
)

// A create names what it made in a field of its own choosing: Adyen's
// payment answers {"pspReference": …} for the {paymentPspReference} of
// /payments/{paymentPspReference}/captures, Twilio's address {"sid": …}
// for {Sid}, Cashfree's customer {"customer_uid": …} for {customer_id},
// DigitalOcean's domain {"domain": {"name": …}} for {domain_name}. So the
// field is found by the words of the parameter's name, not by "id" alone.

// idWords splits a name into lower-case words at separators (_ - . space)
// and case changes: "paymentPspReference" → payment psp reference,
// "IPAddress" → ip address, "customer_id" → customer id, "Sid" → sid.
func idWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// aB starts a word; in ABc the B starts one (IPAddress)
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// Words that make a name an identifier. Strong ones are ids by nature;
// weak ones name a resource in some APIs (DigitalOcean's tags by their
// name, Square's attribute definitions by their key) and rank below.
var (
	strongIDWords = []string{"id", "ids", "uid", "uuid", "guid", "sid", "identifier"}
	weakIDWords   = []string{"name", "key", "slug", "code", "ref", "reference", "number", "token", "handle", "index"}
)

// idWordStrength is 2 for a strong id word, 1 for a weak one, else 0.
func idWordStrength(w string) int {
	switch {
	case contains(strongIDWords, w):
		return 2
	case contains(weakIDWords, w):
		return 1
	}
	return 0
}

// Scores of a field for a parameter, best first (matchScore).
const (
	scoreExact      = 100 // the same name: pspReference for {pspReference}, sid for {Sid}
	scoreOwnID      = 99  // the body's id when the parameter names the created resource ({customer} of POST /customers)
	scoreTrailing   = 60  // + 10 per word: the parameter's last words (psp reference of paymentPspReference)
	scoreLonger     = 55  // the parameter's words, prefixed (cf_customer_id for {customer_id})
	scoreExample    = 98  // the one field whose example is the parameter's (namespace for {namespace_id}: fn-xxxx…)
	scoreSameStem   = 50  // another id word on the same stem (customer_uid for {customer_id})
	scoreNoun       = 48  // the producer's resource and an id word (customer_id of POST /customers for {c})
	scoreWeakStem   = 45  // a weak id word on the same stem (tag name for {tag_id})
	scoreCompound   = 44  // the same id word on the end of a compound stem (sink_id for {logsink_id})
	scoreBareID     = 40  // a field named id, uuid …, when nothing names the parameter
	envelopePenalty = 3   // a field inside an envelope ({"droplet": {"id"}}) ranks below one at the top
)

// minCompoundStem is the shortest stem the compound rule accepts: "sink"
// ends "logsink", but "id" ends nothing worth the name.
const minCompoundStem = 4

// creation is what is known of the create whose response names a
// parameter: the resource it makes, and the parents in its path, whose
// ids its response may carry too (Twilio's address has account_sid) but
// which never name what it created.
type creation struct {
	noun    []string        // "customer" for POST /customers; nil when unknown
	parents map[string]bool // the producer's path parameters, words joined
	// beside are names (words joined) the document writes beside the
	// parameter's in one object, where they name other things (Cashfree's
	// customer details carry customer_id and customer_uid: idpairs.go).
	beside []string
}

// creationOf describes the create on path. A parent named by an id word
// alone ({id} of Stripe's POST /v1/application_fees/{id}/refunds) says
// nothing of the response's fields: the refund's own id is id too.
func creationOf(path string) creation {
	c := creation{noun: resourceNoun(path), parents: map[string]bool{}}
	for _, name := range pathParams(opRef{path: path}) {
		if w := idWords(name); len(w) > 1 || len(w) == 1 && idWordStrength(w[0]) != 2 {
			c.parents[strings.Join(w, "")] = true
		}
	}
	return c
}

// matchScore rates how well a field named by env (the envelope's words,
// nil at the top level) and words names the parameter of words p in the
// response of the create c; 0 when it does not. The envelope's words count
// as the field's first words: {"domain": {"name"}} names {domain_name}.
func matchScore(p []string, c creation, env, words []string) int {
	if len(p) == 0 || len(words) == 0 {
		return 0
	}
	full := append(append([]string(nil), env...), words...)
	if j := strings.Join(full, ""); c.parents[j] && j != strings.Join(p, "") {
		return 0 // a parent's id: /agent/uuid in what POST /agents/{agent_uuid}/functions answers
	}
	if len(env) == 0 && len(words) == 1 && idWordStrength(words[0]) == 2 && namesNoun(p, c.noun) {
		return scoreOwnID
	}
	best := c.fieldScore(p, words)
	if len(env) > 0 {
		if s := c.fieldScore(p, full); s > best {
			best = s
		}
		if best > 0 {
			best -= envelopePenalty
		}
	}
	return best
}

// fieldScore is fieldScore for c: a variant of the parameter's name that
// the document writes beside it, in one object, names something else.
func (c creation) fieldScore(p, w []string) int {
	s := fieldScore(p, c.noun, w)
	switch s {
	case scoreLonger, scoreSameStem, scoreWeakStem, scoreCompound:
		if contains(c.beside, strings.Join(w, "")) {
			return 0
		}
	}
	return s
}

// namesNoun reports whether the parameter p names the created resource
// itself: its noun, alone or with an id word ({account}, {customer_id}
// for POST /customers).
func namesNoun(p, noun []string) bool {
	if len(noun) == 0 {
		return false
	}
	n := strings.Join(noun, "")
	return strings.Join(p, "") == n || len(p) > 1 && idWordStrength(p[len(p)-1]) == 2 && strings.Join(p[:len(p)-1], "") == n
}

// fieldScore rates one field's words w against the parameter's words p.
func fieldScore(p, noun, w []string) int {
	switch {
	case strings.Join(p, "") == strings.Join(w, ""): // username = user name
		return scoreExact
	case hasWordSuffix(p, w):
		return min(scoreTrailing+10*len(w), scoreExact-1)
	case len(p) > 1 && hasWordSuffix(w, p) && idWordStrength(p[len(p)-1]) > 0:
		return scoreLonger // not for one word: account_sid is not the {Sid} of an address
	}
	last, plast := w[len(w)-1], p[len(p)-1]
	if len(w) > 1 && len(p) > 1 && idWordStrength(plast) > 0 && strings.Join(w[:len(w)-1], "") == strings.Join(p[:len(p)-1], "") {
		switch idWordStrength(last) {
		case 2:
			return scoreSameStem
		case 1:
			return scoreWeakStem
		}
	}
	if len(noun) > 0 && len(w) == len(noun)+1 && idWordStrength(last) == 2 && strings.Join(w[:len(noun)], "") == strings.Join(noun, "") {
		return scoreNoun
	}
	if len(w) > 1 && len(p) > 1 && last == plast && idWordStrength(last) == 2 {
		if ps, ws := strings.Join(p[:len(p)-1], ""), strings.Join(w[:len(w)-1], ""); len(ws) >= minCompoundStem && len(ps) > len(ws) && strings.HasSuffix(ps, ws) {
			return scoreCompound
		}
	}
	if len(w) == 1 && idWordStrength(last) == 2 {
		return scoreBareID
	}
	return 0
}

// resourceNoun is the words of the resource a create on path makes: its
// last literal segment, singular ("/v1/payment_intents" → payment intent,
// "/Accounts/{AccountSid}/Addresses.json" → address); nil when none.
func resourceNoun(path string) []string {
	segs := strings.Split(strings.TrimRight(requestPath(path), "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		seg := segs[i]
		if seg == "" || strings.Contains(seg, "{") {
			continue
		}
		if j := strings.IndexByte(seg, '.'); j > 0 {
			seg = seg[:j] // "Addresses.json"
		}
		return idWords(singularNoun(seg))
	}
	return nil
}

// singularNoun is a plural English noun's singular, by its ending.
func singularNoun(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.HasSuffix(l, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(l, "sses"), strings.HasSuffix(l, "uses"), strings.HasSuffix(l, "xes"), strings.HasSuffix(l, "ches"), strings.HasSuffix(l, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(l, "ss"), strings.HasSuffix(l, "us"):
		return s
	case strings.HasSuffix(l, "s") && len(s) > 1:
		return s[:len(s)-1]
	}
	return s
}

// hasWordSuffix reports whether the words of a end with all of b.
func hasWordSuffix(a, b []string) bool {
	if len(b) > len(a) {
		return false
	}
	for i := range b {
		if a[len(a)-len(b)+i] != b[i] {
			return false
		}
	}
	return true
}
