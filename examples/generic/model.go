package generic

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// kind is what an operation does to the server's state (see the package
// documentation for the rules that decide it).
type kind int

const (
	kindAction kind = iota // processes and answers; keeps nothing
	kindList               // GET of a collection: its resources
	kindRead               // GET of a resource or a singleton
	kindCreate             // POST to a collection: a new resource under it
	kindUpsert             // PUT that creates the resource or replaces it
	kindUpdate             // PATCH, POST or PUT of an existing resource: merged
	kindDelete             // DELETE of a resource or a singleton
)

var kindNames = [...]string{"action", "list", "read", "create", "upsert", "update", "delete"}

func (k kind) String() string { return kindNames[k] }

// slot is a kind of resource: a normalized path template ending in a
// parameter ("/v1/customers/{}"), whatever the parameter's name.
type slot struct {
	norm string
	// producible: a POST to its collection creates one, or a PUT upserts
	// one. A resource that nothing in the document creates (Twilio's
	// account in /Accounts/{AccountSid}/… is created; a region, a file
	// uploaded elsewhere are not) exists as long as it is not deleted.
	producible bool
	id         *openapi3.Schema // the schema its ids are made valid for
	names      []string         // the path parameters that name it
	examples   map[string]bool  // their example values
	patterns   map[string]bool  // their schemas' patterns
	template   string           // a document path of the resource itself, for Location
	naming     *naming          // where responses carry its id (idfield.go)
}

// opModel is one route's place in the model.
type opModel struct {
	kind kind
	norm []string // the route's normalized segments
	// target is the slot index (into norm) of the resource the operation
	// acts on: the last segment of a resource path, -1 for a collection,
	// an action and a singleton.
	target    int
	singleton bool   // acts on the path itself (literal-ended, no collection)
	child     string // kindCreate: the slot created
	key       keyLoc
}

type model struct {
	slots map[string]*slot
	ops   map[*route]*opModel
}

// normSeg erases parameter names and a format extension: Twilio's
// "Calls.json" and "{Sid}.json" are the collection "Calls" and its "{}".
func normSeg(s segment) string {
	if s.re != nil {
		return "{}"
	}
	return stripExt(s.literal)
}

func stripExt(s string) string {
	for _, ext := range []string{".json", ".xml"} {
		if t, ok := strings.CutSuffix(s, ext); ok && t != "" {
			return t
		}
	}
	return s
}

func join(norm []string) string { return "/" + strings.Join(norm, "/") }

func newModel(doc *openapi3.T, r *router, keyHeader string) *model {
	m := &model{slots: map[string]*slot{}, ops: map[*route]*opModel{}}
	norms := map[*route][]string{}
	for _, rt := range r.all {
		norm := make([]string, len(rt.segs))
		for i, s := range rt.segs {
			norm[i] = normSeg(s)
			if s.re == nil {
				continue
			}
			key := join(norm[:i+1])
			sl := m.slots[key]
			if sl == nil {
				sl = &slot{norm: key}
				m.slots[key] = sl
			}
			sl.addParam(rt, s.param)
			if i == len(rt.segs)-1 && (sl.template == "" || rt.path < sl.template) {
				sl.template = rt.path
			}
		}
		norms[rt] = norm
	}
	// A literal path with a POST and a GET that answers a list is a
	// collection even when the document reads none of its items alone (the
	// refunds of /v1/payments/{id}/refunds): its items get a slot of their
	// own, without a parameter to name them.
	for _, rt := range r.all {
		n := join(norms[rt])
		if rt.method != "GET" || isParam(norms[rt]) || m.slots[n+"/{}"] != nil || !r.has("POST", rt.path) {
			continue
		}
		if _, _, sch := successOf(rt.op, 0); sch != nil && sch.Value != nil {
			if _, items, ok := listShape(sch.Value, norms[rt][len(norms[rt])-1]); ok && items != nil && items.Value != nil && typeOf(items.Value) == "object" {
				m.slots[n+"/{}"] = &slot{norm: n + "/{}"}
			}
		}
	}
	for _, sl := range m.slots {
		sl.naming = &naming{names: sl.names, noun: nounOf(sl.norm), examples: sl.examples, patterns: sl.patterns}
	}
	creators := map[string]bool{} // collection norm → a POST creates under it
	for _, rt := range r.all {
		n := join(norms[rt])
		if rt.method == "POST" && !isParam(norms[rt]) && m.slots[n+"/{}"] != nil {
			creators[n] = true
			m.slots[n+"/{}"].producible = true
		}
	}
	for _, rt := range r.all {
		norm := norms[rt]
		om := &opModel{norm: norm, target: -1, kind: kindAction}
		n := join(norm)
		last := len(norm) - 1
		switch {
		case isParam(norm):
			om.target = last
			coll := join(norm[:last])
			switch rt.method {
			case "GET":
				om.kind = kindRead
			case "PUT", "POST":
				// A PUT that declares 201 Created creates with the client's
				// id; one that does not (Box's PUT /files/{file_id}) or
				// whose collection has a creating POST replaces. An
				// operation that says it upserts does (Square's POST
				// /v2/merchants/{merchant_id}/custom-attributes/{key},
				// UpsertMerchantCustomAttribute).
				if upserts(rt.op) || rt.method == "PUT" && !creators[coll] && declares(rt.op, 201) {
					om.kind = kindUpsert
					m.slots[n].producible = true
				} else {
					om.kind = kindUpdate
				}
			case "PATCH":
				om.kind = kindUpdate
			case "DELETE":
				om.kind = kindDelete
			}
		case m.slots[n+"/{}"] != nil: // a collection
			switch rt.method {
			case "GET":
				om.kind = kindList
			case "POST":
				om.kind, om.child = kindCreate, n+"/{}"
			}
		default: // a singleton, or an action
			om.singleton = true
			switch rt.method {
			case "GET":
				om.kind = kindRead
			case "PUT":
				om.kind = kindUpsert
			case "PATCH":
				om.kind = kindUpdate
			case "POST":
				if r.has("GET", rt.path) {
					om.kind = kindUpdate // Stripe's POST /v1/account: an update of what GET reads
				} else {
					om.singleton = false
				}
			case "DELETE":
				om.kind = kindDelete
			}
		}
		om.key = detectKey(rt, keyHeader)
		m.ops[rt] = om
	}
	return m
}

var upsertWords = regexp.MustCompile(`(?i)upsert|create or (update|replace)`)

// upserts reports whether the operation says it creates or replaces.
func upserts(op *openapi3.Operation) bool {
	return upsertWords.MatchString(op.OperationID) || upsertWords.MatchString(op.Summary)
}

func declares(op *openapi3.Operation, status int) bool {
	return op.Responses != nil && op.Responses.Status(status) != nil
}

func isParam(norm []string) bool { return len(norm) > 0 && norm[len(norm)-1] == "{}" }

// has reports whether the document has method on the path (fragment-less).
func (r *router) has(method, path string) bool {
	for _, rt := range r.all {
		if rt.method == method && rt.path == path {
			return true
		}
	}
	return false
}

// addParam records that rt names the slot with the path parameter name,
// keeping the most telling schema for generated ids: a pattern over a
// format over an integer over a bare string.
func (sl *slot) addParam(rt *route, name string) {
	if !contains(sl.names, name) {
		sl.names = append(sl.names, name)
		sort.Strings(sl.names)
	}
	p := pathParam(rt, name)
	if p == nil {
		return
	}
	for _, ex := range paramExamples(p) {
		if sl.examples == nil {
			sl.examples = map[string]bool{}
		}
		sl.examples[ex] = true
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return
	}
	if pat := p.Schema.Value.Pattern; pat != "" {
		if sl.patterns == nil {
			sl.patterns = map[string]bool{}
		}
		sl.patterns[pat] = true
	}
	if idScore(p.Schema.Value) > idScore(sl.id) {
		sl.id = p.Schema.Value
	}
}

// paramExamples are the example values a parameter declares, as text.
func paramExamples(p *openapi3.Parameter) []string {
	var out []string
	add := func(v any) {
		if v != nil {
			if s := fmt.Sprint(v); s != "" {
				out = append(out, s)
			}
		}
	}
	add(p.Example)
	for _, name := range sortedKeys(p.Examples) {
		if e := p.Examples[name]; e != nil && e.Value != nil {
			add(e.Value.Value)
		}
	}
	if p.Schema != nil && p.Schema.Value != nil {
		add(p.Schema.Value.Example)
	}
	return out
}

// nounOf is the words of what a slot's collection holds, singular: promotion
// code for /v1/promotion_codes/{}; nil when the segment before it is a
// parameter too.
func nounOf(norm string) []string {
	parts := strings.Split(norm, "/")
	if len(parts) < 2 || parts[len(parts)-2] == "{}" || parts[len(parts)-2] == "" {
		return nil
	}
	return words(singular(parts[len(parts)-2]))
}

func idScore(s *openapi3.Schema) int {
	switch {
	case s == nil:
		return 0
	case s.Pattern != "":
		return 4
	case s.Format != "" || len(s.Enum) > 0:
		return 3
	case s.Type != nil && (s.Type.Includes("integer") || s.Type.Includes("number")):
		return 2
	}
	return 1
}

// pathParam finds a path parameter of rt, the operation's before the path
// item's.
func pathParam(rt *route, name string) *openapi3.Parameter {
	for _, ps := range []openapi3.Parameters{rt.op.Parameters, rt.item.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInPath && p.Value.Name == name {
				return p.Value
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
