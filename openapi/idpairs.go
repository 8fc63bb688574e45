package openapi

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Two names that one object carries side by side name two things. Cashfree
// writes customer_id and customer_uid in one customer-details object: the
// {customer_id} of /customers/{customer_id}/instruments is the merchant's
// id ("that you had sent during create order"), not the customer_uid
// Cashfree generates when POST /customers creates a customer. So a field
// whose name is only a variant of the parameter's (another id word on the
// same stem, a longer or a compound name: idwords.go) does not name it
// when the document writes both names in one object.

// maxPairsDepth bounds how deep the index looks into nested objects.
const maxPairsDepth = 3

// beside lists the names (words joined) that the document writes beside
// param's own name in one object and that are variants of it for the
// create on path (the rules above): the names a response field of that
// create does not name param by. The index of every object schema's
// property names is built on first use.
func (p *planner) beside(param, path string) []string {
	p.indexProps()
	pw := idWords(param)
	if len(pw) < 2 { // the variant rules need a stem and an id word
		return nil
	}
	noun := resourceNoun(path)
	var out []string
	for _, i := range p.propsOf[strings.Join(pw, "")] {
		for _, name := range p.props[i] {
			w := idWords(name)
			k := strings.Join(w, "")
			if contains(out, k) || len(w) == 0 {
				continue
			}
			switch fieldScore(pw, noun, w) {
			case scoreLonger, scoreSameStem, scoreWeakStem, scoreCompound:
				out = append(out, k)
			}
		}
	}
	return out
}

// indexProps indexes every object schema of the document (components,
// request and 2xx response bodies, their nested objects to maxPairsDepth)
// by its property names.
func (p *planner) indexProps() {
	if p.propsOf != nil {
		return
	}
	p.propsOf = map[string][]int{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(sr *openapi3.SchemaRef, depth int)
	walk = func(sr *openapi3.SchemaRef, depth int) {
		if sr == nil || sr.Value == nil || depth > maxPairsDepth || seen[sr.Value] {
			return
		}
		s := sr.Value
		seen[s] = true
		if len(s.Properties) > 1 {
			names := sortedKeys(s.Properties)
			i := len(p.props)
			p.props = append(p.props, names)
			for _, name := range names {
				k := strings.Join(idWords(name), "")
				if l := p.propsOf[k]; len(l) == 0 || l[len(l)-1] != i {
					p.propsOf[k] = append(p.propsOf[k], i)
				}
			}
		}
		for _, name := range sortedKeys(s.Properties) {
			walk(s.Properties[name], depth+1)
		}
		for _, g := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, m := range g {
				walk(m, depth+1)
			}
		}
		if s.Items != nil {
			walk(s.Items, depth+1)
		}
	}
	if p.t.Components != nil {
		for _, name := range sortedKeys(p.t.Components.Schemas) {
			walk(p.t.Components.Schemas[name], 0)
		}
	}
	for _, r := range p.all {
		if r.op.RequestBody != nil && r.op.RequestBody.Value != nil {
			for _, ct := range sortedKeys(r.op.RequestBody.Value.Content) {
				walk(r.op.RequestBody.Value.Content[ct].Schema, 0)
			}
		}
		bodies, _ := producerBodies(r)
		for _, b := range bodies {
			walk(b, 0)
		}
	}
}
