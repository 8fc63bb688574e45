package openapi

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The mismatch-params probe reuses a key with the same body and another
// value of one declared query or header parameter. AltParams plans those
// values: for each parameter other than the key, either other values the
// document allows (each proven valid with the rest of the planned request,
// like every planned request, check.go), or why it is not varied.
//
// Only parameters whose value can change what the request does are varied,
// and a header only when its name or description says so (quietHeader).
// Never varied: credentials (security schemes, Authorization), headers that
// name another account or tenant (Stripe-Account, X-Tenant-Id, On-Behalf-Of:
// a replay across them is cross-principal's finding), tracing ids (a retry
// legitimately carries a new X-Request-Id, and providers leave such headers
// out of the fingerprint: Telnyx ignores request headers), content
// negotiation and representation (Accept*, Prefer, fields, expand, locale,
// version: they change the view of one outcome, not the outcome), and
// preconditions (If-Match, Digest). Varied are scalars: enums and booleans
// first, then numbers, then strings with a pattern or format; a free-form
// string has no value known to mean something else.
//
// The probe keeps the planned request R as it is. A parameter R carries gets
// another value; an optional one R leaves out is added with a value other
// than its declared default (the document says omission means the default),
// so "omitted vs set" is the variation, e.g. POST /v1/payments vs
// POST /v1/payments?capture=false.

const (
	// maxVariedParams bounds the parameters varied per operation.
	maxVariedParams = 3
	// maxParamValues bounds the other values kept per parameter: the probe
	// tries the next only when the first made no difference.
	maxParamValues = 2
	// maxParamTries bounds the validations spent per parameter.
	maxParamTries = 6
)

// ParamAlt is one declared query or header parameter of an operation with
// other valid values for it (To), or why it is not varied (Skip).
type ParamAlt struct {
	In   string `json:"in"` // "query" or "header"
	Name string `json:"name"`
	// From is the parameter's value in the planned request; "" when the
	// request leaves it out.
	From string `json:"from,omitempty"`
	// Default is the document's default, which an omitted parameter means.
	Default string `json:"default,omitempty"`
	// To are other values, best first, each proven valid with the rest of
	// the planned request; empty when Skip is set.
	To []string `json:"to,omitempty"`
	// Kind says what the values are: enum, boolean, number, string.
	Kind string `json:"kind,omitempty"`
	// Skip says why the parameter is not varied.
	Skip string `json:"skip,omitempty"`
}

// String renders a varied parameter for plans: "query capture: omitted
// (default true) → false"; a skipped one: "header X-Request-Id: not
// varied (…)".
func (a ParamAlt) String() string {
	if a.Skip != "" {
		return fmt.Sprintf("%s %s: not varied (%s)", a.In, a.Name, a.Skip)
	}
	return fmt.Sprintf("%s %s: %s → %s", a.In, a.Name, a.FromLabel(), strings.Join(a.To, " or "))
}

// FromLabel is From, or "omitted" when the planned request leaves the
// parameter out: "omitted (default true)".
func (a ParamAlt) FromLabel() string {
	if a.From == "" {
		if a.Default != "" {
			return "omitted (default " + a.Default + ")"
		}
		return "omitted"
	}
	return a.From
}

// Set returns a copy of r with the parameter set to v (the query and header
// maps copied, never shared with r).
func (a ParamAlt) Set(r *Request, v string) *Request {
	c := *r
	switch a.In {
	case openapi3.ParameterInQuery:
		q := url.Values{}
		for k, vs := range r.Query {
			q[k] = append([]string(nil), vs...)
		}
		q.Set(a.Name, v)
		c.Query = q
	case openapi3.ParameterInHeader:
		h := r.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set(a.Name, v)
		c.Header = h
	}
	return &c
}

// VariedParams are the parameters of alts that have values to try.
func VariedParams(alts []ParamAlt) []ParamAlt {
	var out []ParamAlt
	for _, a := range alts {
		if a.Skip == "" && len(a.To) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// quietHeader is why a header whose name and description do not speak of
// the outcome is not varied: providers leave headers out of the request's
// fingerprint (Telnyx: "request headers are not taken into account"; the
// draft fingerprints the payload), so a replay across one is a defect only
// when the header changes what the request does, and a response that
// merely looks different (a feature flag, a random mock) must not make it
// look so.
const quietHeader = "a header that does not say it changes the outcome (capture, dry run, confirm, mode, …): providers leave headers out of the fingerprint"

// altParams plans the parameter variations of req, the planned request.
func (s *synth) altParams(req *Request) []ParamAlt {
	if req == nil || s.key.In == KeyNone {
		return nil
	}
	creds := credentialParams(s.t)
	var alts []rankedAlt
	for _, p := range s.params {
		if p.In != openapi3.ParameterInQuery && p.In != openapi3.ParameterInHeader {
			continue
		}
		if s.key.In == KeyHeader && p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, s.key.Name) {
			continue // the key itself
		}
		ra := rankedAlt{ParamAlt: ParamAlt{In: p.In, Name: p.Name, From: plannedValue(req, p)}}
		ra.outcome = outcomeWords(p.Name + " " + p.Description + " " + flatten(p.Schema).Description)
		switch why := notVaried(p, creds); {
		case why != "":
			ra.Skip = why
		case p.In == openapi3.ParameterInHeader && !ra.outcome:
			ra.Skip = quietHeader
		default:
			s.paramValues(req, p, &ra.ParamAlt)
		}
		alts = append(alts, ra)
	}
	if len(alts) == 0 {
		return nil
	}
	sort.SliceStable(alts, func(i, j int) bool { return alts[i].rank() < alts[j].rank() })
	out := make([]ParamAlt, len(alts))
	n := 0
	for i, ra := range alts {
		out[i] = ra.ParamAlt
		if ra.Skip != "" {
			continue
		}
		if n++; n > maxVariedParams {
			out[i].To, out[i].Skip = nil, fmt.Sprintf("beyond the %d parameters varied per operation", maxVariedParams)
		}
	}
	return out
}

// rankedAlt is a ParamAlt while planning, with what ranks it.
type rankedAlt struct {
	ParamAlt
	outcome bool // its name or description speaks of the outcome
}

// rank orders parameters: varied before skipped; enums and booleans, then
// numbers, then strings; within a kind, those whose name or description
// speaks of the outcome (capture, dry run, confirm, …) first.
func (a rankedAlt) rank() int {
	if a.Skip != "" {
		return 100
	}
	r := map[string]int{"enum": 0, "boolean": 0, "number": 10, "string": 20}[a.Kind]
	if !a.outcome {
		r += 5
	}
	return r
}

// plannedValue is p's value in req as sent, "" when req leaves it out.
func plannedValue(req *Request, p *openapi3.Parameter) string {
	if p.In == openapi3.ParameterInQuery {
		return req.Query.Get(p.Name)
	}
	return req.Header.Get(p.Name)
}

// paramValues fills a.To, a.Kind and a.Default with other values for p,
// each proven valid in req, or a.Skip with why there are none.
func (s *synth) paramValues(req *Request, p *openapi3.Parameter, a *ParamAlt) {
	sc := flatten(p.Schema)
	if sc.Default != nil {
		if d, ok := scalarString(sc.Default); ok {
			a.Default = d
		}
	}
	kind, cands := paramCandidates(sc, p.Name, a.From, a.Default)
	a.Kind = kind
	if kind == "" {
		a.Skip = cands0Reason(sc)
		return
	}
	tries := 0
	seen := map[string]bool{a.From: true}
	if a.From == "" && a.Default != "" {
		seen[a.Default] = true // omitted means the default: no variation
	}
	for _, c := range cands {
		if len(a.To) >= maxParamValues || tries >= maxParamTries {
			break
		}
		v, ok := scalarString(c)
		if !ok || v == "" || seen[v] || p.In == openapi3.ParameterInHeader && !sendableHeader(v) {
			continue
		}
		seen[v] = true
		tries++
		if sc.VisitJSON(jsonValue(c), openapi3.VisitAsRequest()) != nil {
			continue
		}
		if s.check(a.Set(req, v), nil) == nil {
			a.To = append(a.To, v)
		}
	}
	if len(a.To) == 0 {
		a.Skip = "no other value the document allows was accepted by its validation"
	}
}

// paramCandidates are other values for a scalar schema, most telling
// first, and their kind; kind is "" when the schema is not a scalar that
// can be varied.
func paramCandidates(sc *openapi3.Schema, name, from, def string) (string, []any) {
	if len(sc.Enum) > 0 {
		var out []any
		for _, e := range sc.Enum {
			if e != nil {
				out = append(out, e)
			}
		}
		return "enum", out
	}
	switch schemaType(sc) {
	case openapi3.TypeBoolean:
		cur := from
		if cur == "" {
			cur = def
		}
		switch cur {
		case "true":
			return "boolean", []any{false}
		case "false":
			return "boolean", []any{true}
		}
		return "boolean", []any{true, false} // omitted, no default: either may differ
	case openapi3.TypeInteger, openapi3.TypeNumber:
		base, err := strconv.ParseFloat(from, 64)
		if err != nil {
			base, err = strconv.ParseFloat(def, 64)
		}
		if err != nil {
			base = numberValue(sc, schemaType(sc) == openapi3.TypeInteger)
			return "number", []any{wholeNumber(base), wholeNumber(base + 1)}
		}
		return "number", []any{wholeNumber(base + 1), wholeNumber(base - 1), wholeNumber(base * 2)}
	case openapi3.TypeString:
		if sc.Pattern == "" && sc.Format == "" {
			return "", nil
		}
		g := stringValue(sc, name)
		if from == "" {
			return "string", []any{g, bumpLast(g)}
		}
		return "string", []any{bumpLast(from), g, from + "2"}
	}
	return "", nil
}

// wholeNumber renders whole numbers as integers (the query says 2, not 2e+00).
func wholeNumber(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

// cands0Reason says why a parameter's schema offers nothing to vary.
func cands0Reason(sc *openapi3.Schema) string {
	switch schemaType(sc) {
	case openapi3.TypeArray, openapi3.TypeObject:
		return "not a single value (" + schemaType(sc) + ")"
	case openapi3.TypeString:
		return "a free-form string: no other value is known to mean something else"
	}
	return "no other value is known to mean something else"
}

// credentialParams are the names (lower case, by location) of the
// document's apiKey security schemes: credentials, never varied.
func credentialParams(t *openapi3.T) map[string]bool {
	out := map[string]bool{}
	if t == nil || t.Components == nil {
		return out
	}
	for _, ref := range t.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Type != "apiKey" {
			continue
		}
		out[ref.Value.In+" "+strings.ToLower(ref.Value.Name)] = true
	}
	return out
}

// sendableHeader reports whether v can be sent as a header value as it is:
// visible ASCII and inner spaces (RFC 9110 §5.5), no leading or trailing
// space.
func sendableHeader(v string) bool {
	if strings.TrimSpace(v) != v {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
