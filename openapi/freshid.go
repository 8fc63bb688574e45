package openapi

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// A resource at /things/{id} may be created by PUT /things/{id} with an id
// the client chooses. The document's example id is no use then: whether it
// exists depends on what ran before (a natural-put that created it, a
// natural-delete that removed it), so verdicts would depend on the order
// probes and shards run in. Each experiment takes a fresh id instead, valid
// for the path parameter's schema, and creates the resource under it with
// that PUT first (probes/chain.go).

// FreshID says how to make a fresh value of a client-chosen id, and which
// PUT creates the resource under it.
type FreshID struct {
	// By is the PUT that creates the resource ("PUT /v1/customers/{id}");
	// "" when the operation is that PUT: its own request creates it, or
	// when nothing does (Unmade).
	By string `json:"by,omitempty"`
	// Unmade is set when nothing in the document creates the resource: a
	// DELETE of it gets an id of its own all the same, so that no
	// experiment deletes what another one's requests name (chainunmade.go).
	Unmade bool `json:"unmade,omitempty"`
	// Integer is set for an integer id, drawn from Min to Max.
	Integer bool  `json:"integer,omitempty"`
	Min     int64 `json:"min,omitempty"`
	Max     int64 `json:"max,omitempty"`
	// String is the shape of a string id (format, pattern, length, enum);
	// nil when idemcheck's own values fit ("idemcheck-" and hex digits).
	String *KeyFormat `json:"string,omitempty"`
}

// Make turns a fresh seed (distinct seeds, distinct ids) into an id.
func (f *FreshID) Make(seed string) string {
	if f.Integer {
		sum := sha256.Sum256([]byte(seed))
		span := uint64(f.Max-f.Min) + 1 // 0 when the range is all of int64
		n := binary.BigEndian.Uint64(sum[:8])
		if span != 0 {
			n %= span
		}
		return strconv.FormatInt(f.Min+int64(n), 10)
	}
	return f.String.Make(seed, "")
}

// Default bounds of an integer id with none declared: positive, within 32
// bits, as most servers store them.
const (
	freshIntMin = 1
	freshIntMax = math.MaxInt32
)

// freshIDOf is the fresh id shape of a path parameter of schema sr, or why
// no fresh value fits it (an id of another type, a pattern nothing
// matches, bounds with no integer between).
func freshIDOf(sr *openapi3.SchemaRef) (*FreshID, string) {
	if sr == nil || sr.Value == nil {
		return &FreshID{}, ""
	}
	s := flatten(sr)
	f := &FreshID{}
	switch schemaType(s) {
	case openapi3.TypeInteger, openapi3.TypeNumber:
		f.Integer, f.Min, f.Max = true, freshIntMin, freshIntMax
		if s.Min != nil {
			f.Min = int64(math.Ceil(*s.Min))
			if s.ExclusiveMin.IsTrue() && float64(f.Min) == *s.Min {
				f.Min++
			}
		}
		if v := s.ExclusiveMin.Value; v != nil && *v >= float64(f.Min) && *v < float64(math.MaxInt64) {
			f.Min = int64(math.Floor(*v)) + 1
		}
		if s.Max != nil && *s.Max < float64(math.MaxInt64) {
			f.Max = int64(math.Floor(*s.Max))
			if s.ExclusiveMax.IsTrue() && float64(f.Max) == *s.Max {
				f.Max--
			}
		} else if f.Min > freshIntMax {
			f.Max = math.MaxInt64
		}
		if v := s.ExclusiveMax.Value; v != nil && *v <= float64(f.Max) && *v > float64(math.MinInt64) {
			f.Max = int64(math.Ceil(*v)) - 1
		}
		if f.Min > f.Max {
			return nil, fmt.Sprintf("no integer lies between its bounds %d and %d", f.Min, f.Max)
		}
	case openapi3.TypeString, "":
		f.String = keyFormatOf(sr) // keyformat.go: format, pattern, length, enum
	default:
		return nil, "its schema is of type " + schemaType(s)
	}
	// Prove the shape: a few values must all be valid.
	for _, v := range f.samples() {
		if err := s.VisitJSON(v); err != nil {
			return nil, fmt.Sprintf("a fresh value %v does not fit its schema (%s)", v, oneLine(err.Error(), 120))
		}
	}
	return f, ""
}

// samples are a few values of f, as JSON values, to prove them valid.
func (f *FreshID) samples() []any {
	var out []any
	for i := range 3 {
		v := f.Make(fmt.Sprintf("idemcheck-%024x", i+1))
		if f.Integer {
			n, _ := strconv.ParseInt(v, 10, 64)
			out = append(out, float64(n))
			continue
		}
		out = append(out, v)
	}
	return out
}
