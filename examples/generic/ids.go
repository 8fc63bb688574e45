package generic

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// Ids are made valid for the schema of the path parameter that names the
// resource: Twilio's ^CA[0-9a-fA-F]{32}$, a uuid, an integer; a bare string
// gets a prefix from the collection's name, as Stripe's cus_… does.

// idSchemaOf is the schema a new id of sl is made valid for: its path
// parameter's, unless the create's response declares its id property more
// precisely (DigitalOcean's {lb_id} is a string, the load balancer's id a
// uuid; a registry's name has a pattern its {registry_name} does not).
func (s *Server) idSchemaOf(v *validated, sl *slot) *openapi3.Schema {
	best := sl.id
	if _, _, sch := s.success(v.op, http.StatusCreated); sch != nil {
		if p := idSchema(sch.Value, sl.naming.withParents(v.params)); idScore(p) > idScore(best) && typeOf(p) != "object" && typeOf(p) != "array" {
			best = p
		}
	}
	return best
}

// newID returns an id valid for sch not in use in coll. Caller holds
// data.mu.
func (s *Server) newID(sl *slot, coll string, sch *openapi3.Schema) string {
	var id string
	for range 50 {
		id = s.genID(sl, s.seq.Add(1), sch)
		key := coll + "/" + id
		if s.data.res[key] == nil && !s.data.deleted[key] {
			break
		}
	}
	return id
}

// genID makes an id for sl valid for sch from the sequence number n.
func (s *Server) genID(sl *slot, n uint64, sch *openapi3.Schema) string {
	g := newGenerator(hash64(sl.norm, strconv.FormatUint(n, 10)), nil)
	if sch == nil {
		return prefix(sl.norm) + fmt.Sprintf("_%016x", g.rng.Uint64())
	}
	switch t := typeOf(sch); {
	case len(sch.Enum) > 0:
		return fmt.Sprint(g.enum(sch))
	case t == "integer" || t == "number":
		v := 100000 + float64(n)
		if (sch.Min != nil && v < *sch.Min) || (sch.Max != nil && v > *sch.Max) {
			v = g.number(sch, true).(float64)
		}
		if v == math.Trunc(v) {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case sch.Pattern != "":
		maxLen := -1
		if sch.MaxLength != nil {
			maxLen = int(*sch.MaxLength)
		}
		// at least 12 characters where the pattern lets them vary, as
		// real ids have: a short one repeats and is hard to trace
		minLen := max(int(sch.MinLength), 12)
		if maxLen >= 0 {
			minLen = min(minLen, maxLen)
		}
		for _, lo := range []int{minLen, int(sch.MinLength)} {
			for range 20 {
				if id, ok := patternStringRep(sch.Pattern, g.rng, lo, maxLen, 24); ok && pathSafe(id) {
					return id
				}
			}
		}
	case sch.Format != "":
		for range 20 {
			if id := g.str(sch, ""); pathSafe(id) {
				return id
			}
		}
	}
	minLen := int(sch.MinLength)
	maxLen := -1
	if sch.MaxLength != nil {
		maxLen = int(*sch.MaxLength)
	}
	id := prefix(sl.norm) + fmt.Sprintf("_%016x", g.rng.Uint64())
	if maxLen >= 0 && len(id) > maxLen {
		id = fmt.Sprintf("%016x", g.rng.Uint64())
	}
	return fitLength(id, minLen, maxLen)
}

// pathSafe reports whether an id can be a path segment as it is.
func pathSafe(id string) bool {
	return id != "" && !strings.ContainsAny(id, "/?#% \t\n\\")
}

// prefix is a short name for a slot's resources: "cus" for /v1/customers/{}.
func prefix(norm string) string {
	parts := strings.Split(norm, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i] == "{}" || parts[i] == "" {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(parts[i]) {
			if unicode.IsLetter(r) && r < unicode.MaxASCII {
				b.WriteRune(r)
			}
			if b.Len() == 3 {
				break
			}
		}
		if b.Len() > 0 {
			return b.String()
		}
	}
	return "id"
}
