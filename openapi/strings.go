package openapi

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// formatValues are values for the string formats real documents use.
var formatValues = map[string]string{
	"date-time": "2024-01-01T00:00:00Z",
	"date":      "2024-01-01",
	"time":      "12:00:00",
	"email":     "idemcheck@example.com",
	"uuid":      "9b2f6c1e-3a4d-4e8f-9c0b-1d2e3f4a5b6c",
	"uri":       "https://example.com/idemcheck",
	"url":       "https://example.com/idemcheck",
	"hostname":  "example.com",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
	"byte":      "aWRlbWNoZWNr",
	"password":  "idemcheck-Secret1",
	"phone":     "+14155550100",
}

// nameValues are values for strings whose property name contains a word
// that says what they are, checked in order: "iso_currency_code" → "USD".
var nameValues = []struct{ word, value string }{
	{"currency", "USD"}, {"country", "US"}, {"amount", "1.00"}, {"email", "idemcheck@example.com"},
	{"phone", "+14155550100"}, {"locale", "en-US"}, {"language", "en"}, {"url", "https://example.com/idemcheck"},
}

func nameValue(name string) (string, bool) {
	n := strings.ToLower(name)
	for _, nv := range nameValues {
		if strings.Contains(n, nv.word) {
			return nv.value, true
		}
	}
	return "", false
}

// stringValue generates a string for s: format, then name hint, then
// pattern, adjusted to minLength/maxLength.
func stringValue(s *openapi3.Schema, name string) string {
	v, ok := formatValues[strings.ToLower(s.Format)]
	if !ok {
		v, ok = nameValue(name)
	}
	if !ok {
		v = "idemcheck"
	}
	if s.Pattern != "" {
		if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
			if p, ok := fromPattern(s.Pattern, int(s.MinLength)); ok {
				v = p
			}
		}
	}
	return fitLength(v, s)
}

// fitLength pads or truncates v to the schema's length bounds.
func fitLength(v string, s *openapi3.Schema) string {
	n := len([]rune(v))
	if min := int(s.MinLength); n < min {
		pad := "x"
		if v != "" {
			pad = string([]rune(v)[n-1:])
		}
		v += strings.Repeat(pad, min-n)
	}
	if s.MaxLength != nil && uint64(len([]rune(v))) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	return v
}

// fromPattern makes a short string matching a regular expression: the
// first alternative, the first character of each class, each repetition
// at least once (or minLen times when that is needed).
func fromPattern(pattern string, minLen int) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	check, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	for _, reps := range []int{1, 0, minLen, 2, 8} {
		var b strings.Builder
		if !emit(&b, re, reps, 0, firstRunes{}) {
			continue
		}
		if s := b.String(); check.MatchString(s) && len([]rune(s)) >= minLen {
			return s, true
		}
	}
	return "", false
}

// runePicker chooses the free characters of a string generated from a
// pattern: one of a character class, and any character.
type runePicker interface {
	classRune(ranges []rune) rune
	anyRune() rune
}

// firstRunes picks the first readable character: short, predictable values
// (request fields); keyformat.go's seeded draws them at random (keys).
type firstRunes struct{}

func (firstRunes) classRune(ranges []rune) rune { return classRune(ranges) }
func (firstRunes) anyRune() rune                { return 'a' }

// emit writes a string matched by re: the first alternative, each
// repetition reps times within its bounds, the free characters from pick.
func emit(b *strings.Builder, re *syntax.Regexp, reps, depth int, pick runePicker) bool {
	if depth > 50 || b.Len() > 4096 {
		return false
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(pick.classRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune(pick.anyRune())
	case syntax.OpCapture:
		return emit(b, re.Sub[0], reps, depth+1, pick)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !emit(b, sub, reps, depth+1, pick) {
				return false
			}
		}
	case syntax.OpAlternate:
		return emit(b, re.Sub[0], reps, depth+1, pick)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		n := reps
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		n = max(n, lo)
		if hi >= 0 && n > hi {
			n = hi
		}
		for i := 0; i < n; i++ {
			if !emit(b, re.Sub[0], reps, depth+1, pick) {
				return false
			}
		}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	default:
		return false
	}
	return true
}

// classRune picks a readable rune from a character class given as ranges:
// a lower-case letter or digit when the class has one.
func classRune(ranges []rune) rune {
	for _, want := range []rune{'a', 'A', '1', '0'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		if r := ranges[i]; r >= 0x21 && r < 0x7f {
			return r
		}
		if ranges[i] <= 0x21 && 0x21 <= ranges[i+1] {
			return 0x21
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}
