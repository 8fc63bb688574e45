package generic

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Which property of a response carries a resource's id, the one a client
// reads to name the resource in a later path: the rules, strongest first,
// and why each holds for real documents, are in the package
// documentation (doc.go, "Responses"). Each rule reads only the document:
// the parameter's name and example and pattern, the collection's noun,
// the response schema's property names, examples and patterns.

// Words that make a property an identifier: strong ones are ids by
// nature; naming ones name a resource that has no id.
var (
	strongIDWords = map[string]bool{"id": true, "uid": true, "uuid": true, "guid": true, "sid": true, "identifier": true}
	namingWords   = map[string]bool{"name": true, "key": true, "slug": true, "code": true, "handle": true}
)

// naming is what tells which property carries one resource's id.
type naming struct {
	names    []string        // the path parameters naming the resource ({customer}, {Sid})
	noun     []string        // its collection's words, singular: promotion code
	examples map[string]bool // the parameters' example values
	patterns map[string]bool // the patterns of their schemas
	parents  map[string]bool // the request's other path parameters, normalized
}

// withParents returns a copy of nm whose parents are the request's path
// parameters other than the resource's own.
func (nm *naming) withParents(params map[string]string) *naming {
	if nm == nil {
		nm = &naming{} // a resource of no slot: its id goes in id
	}
	c := *nm
	c.parents = map[string]bool{}
	for k := range params {
		// a parent called {id} is named by its aliases (payment_id of
		// /v1/payments/{id}/refunds, paramNames): a child's id is its own
		if n := normName(k); !contains(nm.names, k) && !strongIDWords[n] {
			c.parents[n] = true
		}
	}
	return &c
}

// idCandidate is a scalar property where an id may go: path is ["id"] at
// the top level, ["droplet", "id"] one envelope down.
type idCandidate struct {
	path   []string
	env    []string // the envelope's words; nil at the top level
	words  []string // the property's own words
	schema *openapi3.Schema
}

func (c idCandidate) full() []string { return append(append([]string(nil), c.env...), c.words...) }

// idCandidates lists the scalar properties of sch (top) and those of its
// object properties (nested), leaving out those that name the request's
// parents.
func idCandidates(sch *openapi3.Schema, nm *naming) (top, nested []idCandidate) {
	props := properties(sch)
	for _, name := range sortedKeys(props) {
		p := props[name]
		if p == nil || p.Value == nil {
			continue
		}
		if scalar(p.Value) {
			c := idCandidate{path: []string{name}, words: words(name), schema: p.Value}
			if !nm.isParent(c) {
				top = append(top, c)
			}
			continue
		}
		if typeOf(p.Value) != "object" {
			continue
		}
		sub := properties(p.Value)
		for _, sn := range sortedKeys(sub) {
			if q := sub[sn]; q != nil && q.Value != nil && scalar(q.Value) {
				c := idCandidate{path: []string{name, sn}, env: words(name), words: words(sn), schema: q.Value}
				if !nm.isParent(c) {
					nested = append(nested, c)
				}
			}
		}
	}
	return top, nested
}

// envelopes keeps the nested candidates inside an envelope that is the
// resource: one named after it ({"droplet": {…}} for {droplet_id},
// {"load_balancer": {…}} for /v2/load_balancers), or any when the top
// level has no scalar of its own ({"share": {…}} for /v2/nfs). Another
// object of a resource (Box's folder lock has the folder it locks, a
// Stripe customer its cash_balance) is not where its id is.
func envelopes(top, nested []idCandidate, nm *naming) []idCandidate {
	if len(top) == 0 {
		return nested
	}
	stems := nm.stems()
	var out []idCandidate
	for _, c := range nested {
		for _, s := range stems {
			if hasWordSuffix(c.env, s) || hasWordSuffix(s, c.env) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// stems are the words the resource goes by: its collection's noun and
// its parameters without their id word ({customer_id}: customer).
func (nm *naming) stems() [][]string {
	var out [][]string
	if len(nm.noun) > 0 {
		out = append(out, nm.noun)
	}
	for _, n := range nm.names {
		if stem := idStem(words(n)); len(stem) > 0 {
			out = append(out, stem)
		}
	}
	return out
}

// idStem is a parameter's words without a trailing id word.
func idStem(w []string) []string {
	if len(w) > 0 && (strongIDWords[w[len(w)-1]] || namingWords[w[len(w)-1]] && len(w) > 1) {
		return w[:len(w)-1]
	}
	return w
}

// isParent reports whether c names one of the request's other path
// parameters, or sits in an envelope named after one: a Twilio call's
// account_sid, the agent (and its uuid) that attaching a function to it
// answers.
func (nm *naming) isParent(c idCandidate) bool {
	if nm == nil || len(nm.parents) == 0 {
		return false
	}
	full := strings.Join(c.full(), "")
	for _, n := range nm.names {
		if normName(n) == full {
			return false
		}
	}
	if nm.parents[full] {
		return true
	}
	if len(c.env) == 0 {
		return false
	}
	env := strings.Join(c.env, "")
	for p := range nm.parents {
		if rest, ok := strings.CutPrefix(p, env); ok && (rest == "" || strongIDWords[rest]) {
			return true
		}
	}
	return false
}

// idPlace is where a response of sch carries the resource's id, by the
// rules above; nil when no property does.
func idPlace(sch *openapi3.Schema, nm *naming) []string {
	if sch == nil || nm == nil {
		return nil
	}
	top, nested := idCandidates(sch, nm)
	inResource := append(append([]idCandidate(nil), top...), envelopes(top, nested, nm)...)
	// a full name matches in any envelope: {"user": {"name"}} for {username}
	if found := byName(top, nm); len(found) > 0 {
		return found[0].path
	}
	for _, c := range nested {
		for _, n := range nm.names {
			if normName(n) == strings.Join(c.full(), "") {
				return c.path
			}
		}
	}
	// the name alone in an envelope named as the resource: Square's
	// {"custom_attribute_definition": {"key"}} for {key}
	for _, c := range nested {
		for _, st := range nm.stems() {
			if sameWords(c.env, st) && len(byName([]idCandidate{c}, nm)) > 0 {
				return c.path
			}
		}
	}
	for _, rule := range []func([]idCandidate, *naming) []idCandidate{byEvidence, byOwnID, byTrailingWords, byBareID} {
		if found := rule(inResource, nm); len(found) > 0 {
			return found[0].path
		}
	}
	return nil
}

// byName: the parameter's own name.
func byName(cs []idCandidate, nm *naming) []idCandidate {
	var out []idCandidate
	for _, n := range nm.names {
		for _, c := range cs {
			if normName(n) == strings.Join(c.words, "") {
				out = append(out, c)
			}
		}
	}
	return out
}

// byEvidence: the one property whose example is the parameter's, else the
// one whose pattern is the parameter's (DigitalOcean's tag name has
// {tag_id}'s pattern).
func byEvidence(cs []idCandidate, nm *naming) []idCandidate {
	for _, same := range []func(c idCandidate) bool{
		func(c idCandidate) bool { return c.schema.Example != nil && nm.examples[fmt.Sprint(c.schema.Example)] },
		func(c idCandidate) bool { return c.schema.Pattern != "" && nm.patterns[c.schema.Pattern] },
	} {
		var out []idCandidate
		for _, c := range cs {
			if same(c) {
				out = append(out, c)
			}
		}
		if len(out) == 1 { // not when the document gives several the same (DigitalOcean's uuids)
			return out
		}
	}
	return nil
}

// byOwnID: the resource's own id, when the parameter names the resource.
func byOwnID(cs []idCandidate, nm *naming) []idCandidate {
	var stems [][]string // the resource's names: its noun, the parameters' stems
	if len(nm.noun) > 0 {
		stems = append(stems, nm.noun)
	}
	selfNamed := false
	for _, n := range nm.names {
		w := words(n)
		stem := idStem(w)
		switch {
		case len(stem) == 0: // {id}, {sid}: the resource's id by its name alone
			selfNamed = true
		case sameWords(w, nm.noun) || len(nm.noun) > 0 && (hasWordSuffix(stem, nm.noun) || hasWordSuffix(nm.noun, stem)):
			// {customer}, {promotion_code}, {customer_id}, Square's
			// {terminal_refund_id} of /v2/terminals/refunds, DigitalOcean's
			// {metric_uuid} of /v2/gen-ai/custom_evaluation_metrics
			selfNamed = true
			stems = append(stems, stem)
		}
	}
	if !selfNamed {
		return nil
	}
	var idWord string
	if len(nm.names) > 0 {
		if w := words(nm.names[0]); len(w) > 0 && strongIDWords[w[len(w)-1]] {
			idWord = w[len(w)-1]
		}
	}
	ranks := []func(c idCandidate) bool{
		func(c idCandidate) bool { return len(c.words) == 1 && c.words[0] == idWord },
		func(c idCandidate) bool { return len(c.words) == 1 && c.words[0] == "id" },
		func(c idCandidate) bool { return len(c.words) == 1 && strongIDWords[c.words[0]] },
		func(c idCandidate) bool { // customer_uid, sink_id in {"sink": {…}}
			if len(c.words) < 2 || !strongIDWords[c.words[len(c.words)-1]] {
				return false
			}
			stem := c.words[:len(c.words)-1]
			for _, s := range append(stems, c.env) {
				if len(s) > 0 && strings.Join(stem, "") == strings.Join(s, "") {
					return true
				}
			}
			return false
		},
	}
	for _, rank := range ranks {
		for _, c := range cs {
			if rank(c) {
				return []idCandidate{c}
			}
		}
	}
	return nil
}

// byTrailingWords: the parameter's last words, from its id word on.
func byTrailingWords(cs []idCandidate, nm *naming) []idCandidate {
	for _, n := range nm.names {
		w := words(n)
		for i := 1; i < len(w); i++ {
			for _, c := range cs {
				if strings.Join(c.words, "") == strings.Join(w[i:], "") {
					return []idCandidate{c}
				}
			}
		}
	}
	return nil
}

// byBareID: a property called id.
func byBareID(cs []idCandidate, _ *naming) []idCandidate {
	for _, c := range cs {
		if strings.EqualFold(c.path[len(c.path)-1], "id") {
			return []idCandidate{c}
		}
	}
	return nil
}

func sameWords(a, b []string) bool {
	return len(a) > 0 && strings.Join(a, "") == strings.Join(b, "")
}

// hasWordSuffix reports whether the words of a end with all of b.
func hasWordSuffix(a, b []string) bool {
	if len(b) == 0 || len(b) > len(a) {
		return false
	}
	for i := range b {
		if a[len(a)-len(b)+i] != b[i] {
			return false
		}
	}
	return true
}

// placeKey names one idPlace question: a schema, a slot's naming, the
// request's path parameters.
type placeKey struct {
	sch    *openapi3.Schema
	nm     *naming
	params string
}

// idPlaceOf is idPlace for a request with path parameters params,
// remembered: every response of a resource asks the same question.
func (s *Server) idPlaceOf(sch *openapi3.Schema, nm *naming, params map[string]string) []string {
	k := placeKey{sch: sch, nm: nm, params: strings.Join(sortedKeys(params), "\x00")}
	if p, ok := s.places.Load(k); ok {
		return p.([]string)
	}
	p := idPlace(sch, nm.withParents(params))
	s.places.Store(k, p)
	return p
}

// idSchema is the schema of the property a response of sch carries the
// resource's id in, or nil.
func idSchema(sch *openapi3.Schema, nm *naming) *openapi3.Schema {
	p := idPlace(sch, nm)
	if p == nil {
		return nil
	}
	props := properties(sch)
	if len(p) == 1 {
		return props[p[0]].Value
	}
	return properties(props[p[0]].Value)[p[1]].Value
}
