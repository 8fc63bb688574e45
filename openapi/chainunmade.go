package openapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Some path parameters name resources that nothing in the document
// creates: Box's device pins, a file uploaded through another host, the
// merchant's own customer id in Cashfree's /customers/{customer_id}/…,
// Stripe's application fee (a charge makes it). No chain can make them, so
// the planned value (the document's example, else one valid for the
// schema) is sent, and the operation lists them as Unresolved. A server
// that answers 404 or 410 to a request on them tells that the value names
// nothing there: the experiment cannot be set up, which is a skip that
// says what is missing and that path_params in the configuration can name
// an existing one, never an error (probes/setup.go).
//
// Which operations take a fresh value instead of the planned one. A
// DELETE ends its resource for every later request: on a server where the
// document's example exists, the first experiment to DELETE it would leave
// every later one on that value a 404, so verdicts would depend on the
// order in which probes and shards run. So a DELETE's own resource, when
// nothing makes it, gets a fresh, schema-valid id for each experiment
// (freshid.go): a server where any valid id names a resource tests it, and
// one where it does not answers 404 in every order alike (a skip). Every
// other operation keeps the planned value: it leaves the resource as
// addressable as it found it, and the value may not name a resource at all
// (an enum scope, a region, a version), where a made-up value would turn a
// request the server accepts into a 404. What repeated requests use up on
// a resource that exists is the business of the probes that repeat them
// (probes/chain_round.go); on an uncreatable resource none of them sends a
// DELETE, so none can end it for another.

// Unresolved is a path parameter whose value nothing in the document makes.
type Unresolved struct {
	// Param is the parameter, as in the template ("device_pinner_id").
	Param string `json:"param"`
	// Value is the planned value sent for it; "" when a fresh one is made
	// for each experiment (a DELETE's own resource).
	Value string `json:"value,omitempty"`
	// Why says why no chain makes it: nothing in the document creates it,
	// or why the producer found cannot be used.
	Why string `json:"why"`
}

// String renders the parameter for plans: "{device_pinner_id}: nothing in
// the document creates it; the planned value "2324234" is sent, and a 404
// or 410 skips the experiment (…)".
func (u Unresolved) String() string {
	why := u.Why
	if why != nothingCreates {
		why = "not chained: " + why
	}
	v := "a fresh value for each experiment is sent"
	if u.Value != "" {
		v = fmt.Sprintf("the planned value %q is sent", u.Value)
	}
	return fmt.Sprintf("{%s}: %s; %s, and a 404 or 410 skips the experiment (path_params in the configuration can name an existing one)", u.Param, why, v)
}

// nothingCreates is the Why of a parameter that no producer makes.
const nothingCreates = "nothing in the document creates it"

// unresolvedParam describes o's parameter param, which no link fills; note
// is why a producer found was not used ("" when none was found).
func unresolvedParam(o *Operation, r opRef, param, note string) Unresolved {
	u := Unresolved{Param: param, Why: nothingCreates}
	if note != "" {
		u.Why = strings.TrimSuffix(strings.TrimPrefix(note, "path parameter {"+param+"}: "), ", so the planned value is sent")
	}
	for _, l := range o.Chain {
		if l.Param == param && l.Fresh != nil {
			return u // fresh for each experiment
		}
	}
	if o.Request != nil {
		u.Value = concreteParams(requestPath(r.path), o.Request.Path)[param]
	}
	return u
}

// sourceUnmade is the Source of a DELETE's fresh id for a resource that
// nothing creates.
const sourceUnmade = "nothing in the document creates it: a DELETE of it gets an id of its own"

// freshTarget gives a DELETE whose resource nothing makes a fresh id for
// each experiment (see above): its last path parameter, or when no fresh
// value fits that one's schema (an enum), the nearest before it that
// nothing makes either. A parameter that a chain fills or the
// configuration fixes already names the experiment's own resource (or the
// user's choice), and stops the search.
func (p *planner) freshTarget(o *Operation, r opRef, params []string, links []*Link, fixed []bool) {
	var whyNot []string
	for i := len(params) - 1; i >= 0; i-- {
		if fixed[i] || links[i] != nil {
			break
		}
		f, why := p.freshUnmade(r, params[i])
		if f == nil {
			whyNot = append(whyNot, fmt.Sprintf("{%s}: %s", params[i], why))
			continue
		}
		links[i] = &Link{Param: params[i], From: r.id(), Source: sourceUnmade, Fresh: f}
		return
	}
	if len(whyNot) > 0 {
		o.Notes = append(o.Notes, fmt.Sprintf("nothing in the document creates what this DELETE deletes, and no fresh id fits (%s): its experiments share the planned value, so one that deletes it leaves it deleted for the next", strings.Join(whyNot, "; ")))
	}
}

// freshUnmade is the fresh id shape of r's parameter param, valid for r's
// declaration and for the GET on r's own path (which reads the resource
// back), or why there is none.
func (p *planner) freshUnmade(r opRef, param string) (*FreshID, string) {
	own := pathParamSchema(r, param)
	var read *openapi3.SchemaRef
	if item := p.t.Paths.Value(requestPath(r.path)); item != nil && item.Get != nil {
		read = pathParamSchema(opRef{path: requestPath(r.path), method: http.MethodGet, item: item, op: item.Get}, param)
	}
	f, why := freshIDOf(own)
	if f != nil && read != nil {
		if w := f.fits(read); w != "" {
			if g, _ := freshIDOf(read); g != nil && g.fits(own) == "" {
				f = g // the read's stricter shape fits both
			} else {
				f, why = nil, w
			}
		}
	}
	if f == nil {
		return nil, why
	}
	if why := f.few(own, read); why != "" {
		return nil, why
	}
	f.Unmade = true
	return f, ""
}

// minFreshValues is how many values a fresh id for a resource nothing makes
// must have at least, so that no two experiments of a run share one.
const minFreshValues = 1 << 20

// unmadeSamples is how many values few draws to see whether they differ.
const unmadeSamples = 16

// few says why f has too few values to give each experiment its own (an
// enum, a narrow range or pattern); "" when it has enough. The schemas
// are those the value must fit.
func (f *FreshID) few(schemas ...*openapi3.SchemaRef) string {
	for _, sr := range schemas {
		if sr != nil && sr.Value != nil && len(flatten(sr).Enum) > 0 {
			return "its values are an enum, none of them fresh"
		}
	}
	if f.Integer {
		if uint64(f.Max-f.Min) < minFreshValues {
			return fmt.Sprintf("its range %d to %d is too narrow for a value of each experiment's own", f.Min, f.Max)
		}
		return ""
	}
	seen := map[string]bool{}
	for i := range unmadeSamples {
		v := f.Make(fmt.Sprintf("idemcheck-unmade-%d", i))
		if seen[v] {
			return fmt.Sprintf("its schema allows too few values for one of each experiment's own (%q twice)", v)
		}
		seen[v] = true
	}
	return ""
}

// concreteParams reads the values of a template's parameters from a
// concrete path of the same segments: whole segments ("{id}") and a
// parameter with a literal suffix ("{Sid}.json"); nil when they do not
// line up.
func concreteParams(tmpl, concrete string) map[string]string {
	ts, cs := strings.Split(tmpl, "/"), strings.Split(concrete, "/")
	if len(ts) != len(cs) {
		return nil
	}
	vals := map[string]string{}
	for i, seg := range ts {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		j := strings.IndexByte(seg, '}')
		if j < 0 || strings.ContainsAny(seg[j+1:], "{}") || !strings.HasSuffix(cs[i], seg[j+1:]) {
			continue
		}
		v := strings.TrimSuffix(cs[i], seg[j+1:])
		if u, err := url.PathUnescape(v); err == nil {
			vals[seg[1:j]] = u
		}
	}
	return vals
}
