package openapi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Where a create's response names what it created: the scalar field of
// its 2xx response schema whose name best matches the parameter's words
// (idwords.go), at the top level or one envelope deep ({"droplet": {"id"}},
// {"data": {"id"}}). readOnly and required fields win ties: a server sets
// them. A name is not all the document says: the one field whose example
// is the parameter's example holds the same value (DigitalOcean's
// {namespace_id} is fn-xxxx…, the namespace's namespace field, not its
// uuid; {reserved_ipv6} is the reserved IPv6's ip). The same schemas tell
// whether a pointer the plan reads (a configured one, an OpenAPI link's)
// is there at all.

// idField is a scalar field of a response body.
type idField struct {
	ptr      string   // its JSON pointer: "/pspReference", "/droplet/id"
	env      []string // the envelope's words; nil at the top level
	words    []string // the field's own words
	readOnly bool
	required bool
	example  string // its schema's example, when a string or a number
}

// score rates f for a parameter of words p, in the response of the
// create c (0: it does not name it).
func (f idField) score(p []string, c creation) int {
	s := matchScore(p, c, f.env, f.words)
	if s == 0 {
		return 0
	}
	if f.readOnly {
		s += 2
	}
	if f.required {
		s++
	}
	return s
}

// bestField is the field of fields that best names the parameter of words
// p in the response of the create c: the highest score, then the shorter
// pointer, then the first by name.
func bestField(p []string, c creation, fields []idField) (idField, bool) {
	var best idField
	bestScore := 0
	for _, f := range fields {
		s := f.score(p, c)
		if s > bestScore || s == bestScore && s > 0 && (len(f.ptr) < len(best.ptr) || len(f.ptr) == len(best.ptr) && f.ptr < best.ptr) {
			best, bestScore = f, s
		}
	}
	return best, bestScore > 0
}

// bodyFields lists the scalar fields of a response schema: its own
// properties and, unless it has a scalar id of its own ("id", "uuid",
// "sid": Stripe's account has an individual with an account field), those
// of the objects among them (envelopes: {"droplet": {"id"}}).
func bodyFields(sr *openapi3.SchemaRef) []idField {
	props, required := objectProps(sr, 0)
	var out []idField
	self := false
	for _, name := range sortedKeys(props) {
		p := props[name]
		if isScalar(p) {
			w := idWords(name)
			self = self || len(w) == 1 && idWordStrength(w[0]) == 2
			out = append(out, idField{ptr: "/" + escapePointer(name), words: w, readOnly: p.Value.ReadOnly, required: required[name], example: exampleText(p)})
		}
	}
	if self {
		return out
	}
	for _, name := range sortedKeys(props) {
		p := props[name]
		if isScalar(p) {
			continue
		}
		inner, innerReq := objectProps(p, 0)
		for _, in := range sortedKeys(inner) {
			if q := inner[in]; isScalar(q) {
				out = append(out, idField{ptr: "/" + escapePointer(name) + "/" + escapePointer(in), env: idWords(name), words: idWords(in),
					readOnly: q.Value.ReadOnly, required: innerReq[in], example: exampleText(q)})
			}
		}
	}
	return out
}

// objectProps merges the properties of sr and of its allOf, oneOf and
// anyOf members, with the names any of them requires.
func objectProps(sr *openapi3.SchemaRef, depth int) (map[string]*openapi3.SchemaRef, map[string]bool) {
	props := map[string]*openapi3.SchemaRef{}
	required := map[string]bool{}
	var add func(s *openapi3.SchemaRef, depth int)
	add = func(s *openapi3.SchemaRef, depth int) {
		if s == nil || s.Value == nil || depth > maxDepth {
			return
		}
		for k, v := range s.Value.Properties {
			if _, seen := props[k]; !seen && v != nil && v.Value != nil {
				props[k] = v
			}
		}
		for _, r := range s.Value.Required {
			required[r] = true
		}
		for _, group := range []openapi3.SchemaRefs{s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf} {
			for _, m := range group {
				add(m, depth+1)
			}
		}
	}
	add(sr, depth)
	return props, required
}

// isScalar reports whether sr holds a string or a number: a value a path
// parameter can take.
func isScalar(sr *openapi3.SchemaRef) bool {
	if sr == nil || sr.Value == nil {
		return false
	}
	s := flatten(sr)
	if s.Type == nil && (len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Extensions[prunedExt] != nil) {
		return false // an id or an object (Stripe's expandable fields)
	}
	switch schemaType(s) { // untyped without properties or items: a scalar
	case openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeNumber:
		return true
	}
	return false
}

// escapePointer escapes a name as a JSON pointer token.
func escapePointer(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// producerBodies returns the schemas of pr's 2xx response bodies (JSON or
// any media type with a schema), and whether a 2xx response declares a
// Location header.
func producerBodies(pr opRef) (schemas []*openapi3.SchemaRef, location bool) {
	if pr.op.Responses == nil {
		return nil, false
	}
	for _, code := range sortedKeys(pr.op.Responses.Map()) {
		resp := pr.op.Responses.Value(code)
		if !strings.HasPrefix(code, "2") || resp == nil || resp.Value == nil {
			continue
		}
		for name := range resp.Value.Headers {
			if strings.EqualFold(name, "Location") {
				location = true
			}
		}
		for _, ct := range sortedKeys(resp.Value.Content) {
			if mt := resp.Value.Content[ct]; mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				schemas = append(schemas, mt.Schema)
			}
		}
	}
	return schemas, location
}

// idPointer is the pointer of the field of pr's 2xx response that names
// the parameter param; "" when no field does. examples are the values the
// document shows for param; beside the variants of its name that name
// other things (idpairs.go).
func idPointer(pr opRef, param string, examples, beside []string) string {
	bodies, _ := producerBodies(pr)
	var fields []idField
	for _, b := range bodies {
		fields = append(fields, bodyFields(b)...)
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].ptr < fields[j].ptr })
	c := creationOf(pr.path)
	c.beside = beside
	best, ok := bestField(idWords(param), c, fields)
	bestScore := 0
	if ok {
		bestScore = best.score(idWords(param), c)
	}
	if f, same := exampleField(c.own(idWords(param), fields), examples); same {
		s := scoreExample
		if len(f.env) > 0 {
			s -= envelopePenalty
		}
		if s > bestScore {
			best, ok = f, true
		}
	}
	if ok {
		return best.ptr
	}
	return ""
}

// own leaves out of fields those that name a parent of the create (its
// path's parameters) rather than what it created, p aside.
func (c creation) own(p []string, fields []idField) []idField {
	var out []idField
	for _, f := range fields {
		j := strings.Join(append(append([]string(nil), f.env...), f.words...), "")
		if !c.parents[j] || j == strings.Join(p, "") {
			out = append(out, f)
		}
	}
	return out
}

// minExample is the shortest example that says which field holds a value:
// "1" or "abc" could be anyone's.
const minExample = 6

// exampleField is the one field whose example is one of examples; ok is
// false when none is, or more than one (DigitalOcean shows one uuid for
// every uuid field).
func exampleField(fields []idField, examples []string) (idField, bool) {
	var found idField
	n := 0
	for _, f := range fields {
		if len(f.example) >= minExample && contains(examples, f.example) {
			if n > 0 && f.ptr == found.ptr {
				continue
			}
			found = f
			n++
		}
	}
	return found, n == 1
}

// exampleText is sr's example as text, when it is a string or a number; ""
// otherwise.
func exampleText(sr *openapi3.SchemaRef) string {
	if sr == nil || sr.Value == nil {
		return ""
	}
	s, _ := scalarString(sr.Value.Example)
	return s
}

// paramExamples are the values the document shows for r's path parameter
// name: its example, its examples, its schema's example.
func paramExamples(r opRef, name string) []string {
	var out []string
	add := func(v any) {
		if s, ok := scalarString(v); ok && s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	for _, list := range []openapi3.Parameters{r.op.Parameters, r.item.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil || pr.Value.In != openapi3.ParameterInPath || pr.Value.Name != name {
				continue
			}
			add(pr.Value.Example)
			for _, k := range sortedKeys(pr.Value.Examples) {
				if e := pr.Value.Examples[k]; e != nil && e.Value != nil {
					add(e.Value.Value)
				}
			}
			if pr.Value.Schema != nil && pr.Value.Schema.Value != nil {
				add(pr.Value.Schema.Value.Example)
			}
			return out
		}
	}
	return out
}

// presence is whether a schema has a JSON pointer.
type presence int

const (
	presenceUnknown presence = iota // the schema leaves it open (free-form, pruned)
	presenceYes
	presenceNo
)

// pointerPresence says whether pr's 2xx response bodies have ptr: yes
// when one does, no when none can (none declared counts as none).
func pointerPresence(pr opRef, ptr string) presence {
	bodies, _ := producerBodies(pr)
	if ptr == "" || ptr == "/" {
		if len(bodies) == 0 {
			return presenceNo
		}
		return presenceYes
	}
	segs := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	out := presenceNo
	for _, b := range bodies {
		switch schemaPresence(b, segs, 0) {
		case presenceYes:
			return presenceYes
		case presenceUnknown:
			out = presenceUnknown
		}
	}
	return out
}

// schemaPresence walks segs down sr: properties, array items (a numeric
// segment), and the members of allOf, oneOf and anyOf.
func schemaPresence(sr *openapi3.SchemaRef, segs []string, depth int) presence {
	if len(segs) == 0 {
		return presenceYes
	}
	if sr == nil || sr.Value == nil || depth > maxDepth {
		return presenceUnknown
	}
	s := sr.Value
	if s.Extensions[prunedExt] != nil {
		return presenceUnknown
	}
	out, defined := presenceNo, false
	note := func(p presence) {
		if p == presenceUnknown {
			out = presenceUnknown
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, m := range group {
			defined = true
			p := schemaPresence(m, segs, depth+1)
			if p == presenceYes {
				return presenceYes
			}
			note(p)
		}
	}
	seg := strings.ReplaceAll(strings.ReplaceAll(segs[0], "~1", "/"), "~0", "~")
	if s.Items != nil {
		defined = true
		if _, err := strconv.Atoi(seg); err == nil {
			p := schemaPresence(s.Items, segs[1:], depth+1)
			if p == presenceYes {
				return presenceYes
			}
			note(p)
		}
	}
	if len(s.Properties) > 0 {
		defined = true
		if p, ok := s.Properties[seg]; ok {
			r := schemaPresence(p, segs[1:], depth+1)
			if r == presenceYes {
				return presenceYes
			}
			note(r)
		}
	}
	if !defined && s.Type != nil && !s.Type.Includes(openapi3.TypeObject) && !s.Type.Includes(openapi3.TypeArray) {
		return presenceNo // a scalar has nothing inside
	}
	if !defined || s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has {
		return presenceUnknown // free-form: anything may be there
	}
	return out
}
