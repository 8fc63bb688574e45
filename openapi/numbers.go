package openapi

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// One schema that writes "maximum: 1e400" or "maxLength: -1" would make
// kin-openapi refuse the whole document. prep drops such a keyword instead,
// with a warning that names the schema: the rest of the document is still
// worth testing, and the schema is checked without that bound.

// numKind is what a numeric keyword may hold.
type numKind int

const (
	numAny   numKind = iota // not a numeric keyword
	numFloat                // a finite number: minimum, maximum
	numPos                  // a finite number above 0: multipleOf
	numBound                // a finite number or a boolean: exclusiveMinimum (3.0 and 3.1)
	numCount                // a whole number from 0: maxLength, minItems
)

// numberKeys are the keywords kin-openapi decodes into numbers.
var numberKeys = map[string]numKind{
	"minimum": numFloat, "maximum": numFloat, "multipleOf": numPos,
	"exclusiveMinimum": numBound, "exclusiveMaximum": numBound,
	"minLength": numCount, "maxLength": numCount, "minItems": numCount, "maxItems": numCount,
	"minProperties": numCount, "maxProperties": numCount,
}

// maxCount is the largest count kept: beyond it a float64 is not exact.
const maxCount = 1 << 53

// numberOK reports whether keyword k may keep value v; it records a
// warning when not.
func (p *prep) numberOK(k string, v any) bool {
	var bad string
	switch x := v.(type) {
	case nil:
		return true
	case float64:
		switch numberKeys[k] {
		case numPos:
			if x <= 0 {
				bad = "is not above 0"
			}
		case numCount:
			if x < 0 || x > maxCount || x != math.Trunc(x) {
				bad = "is not a count"
			}
		}
	case bool:
		if numberKeys[k] != numBound {
			bad = "is not a number"
		}
	case bigNumber:
		bad = "is out of range"
		v = x.text
	case string:
		bad = "is not a number"
		if _, err := strconv.ParseFloat(x, 64); errors.Is(err, strconv.ErrRange) {
			bad = "is out of range" // YAML reads 1e400 as a string
		}
	default:
		bad = "is not a number"
	}
	if bad == "" {
		return true
	}
	where := "#" + pointerOf(p.path[:len(p.path)-1])
	if p.file != "" && p.file != p.files.root {
		where = baseName(p.file) + where
	}
	p.notes.add(&p.notes.numbers, oneLine(fmt.Sprintf("schema %s: %s %v %s, ignored", where, k, v, bad), 200))
	return false
}

// pointerOf renders keys as a JSON pointer.
func pointerOf(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// baseName is the last element of a path or URL.
func baseName(loc string) string {
	return loc[strings.LastIndexAny(loc, `/\`)+1:]
}

// stripMarks removes the parser's markers from an extension's value and
// turns big numbers into text, as extensions are data.
func stripMarks(v any, depth int) any {
	if depth > maxNesting {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		delete(t, posKey)
		for k, e := range t {
			t[k] = stripMarks(e, depth+1)
		}
	case []any:
		for i, e := range t {
			t[i] = stripMarks(e, depth+1)
		}
	case bigNumber:
		return t.text
	}
	return v
}
