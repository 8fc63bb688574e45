package generic

import (
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// patternString returns a string that matches pattern (as Go's regexp
// reads it), chosen with rng, of length between minLen and maxLen (maxLen
// < 0: any) when it can find one in a few tries; ok is false when the
// pattern does not parse or no try fitted.
func patternString(pattern string, rng *rand.Rand, minLen int, maxLen int) (string, bool) {
	return patternStringRep(pattern, rng, minLen, maxLen, maxRepeat)
}

// patternStringRep is patternString with open repetitions (x*, x+, x{2,})
// repeated up to rep more times than their minimum: ids ask for more, so
// that ^[A-Z0-9]+$ makes PayPal-like ids, not "K".
func patternStringRep(pattern string, rng *rand.Rand, minLen, maxLen, rep int) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	for range 20 {
		var b strings.Builder
		genRegexp(&b, re, rng, 0, rep)
		s := b.String()
		n := utf8.RuneCountInString(s)
		if n >= minLen && (maxLen < 0 || n <= maxLen) {
			return s, true
		}
	}
	return "", false
}

// maxRepeat bounds an open repetition (x*, x+, x{2,}) beyond its minimum.
const maxRepeat = 3

func genRegexp(b *strings.Builder, re *syntax.Regexp, rng *rand.Rand, depth, rep int) {
	if depth > 50 {
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(pickRune(re.Rune, rng))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteRune(rune('a' + rng.IntN(26)))
	case syntax.OpCapture:
		for _, s := range re.Sub {
			genRegexp(b, s, rng, depth+1, rep)
		}
	case syntax.OpStar:
		for range rng.IntN(rep + 1) {
			genRegexp(b, re.Sub[0], rng, depth+1, rep)
		}
	case syntax.OpPlus:
		for range 1 + rng.IntN(rep) {
			genRegexp(b, re.Sub[0], rng, depth+1, rep)
		}
	case syntax.OpQuest:
		if rng.IntN(2) == 0 {
			genRegexp(b, re.Sub[0], rng, depth+1, rep)
		}
	case syntax.OpRepeat:
		n := re.Min
		if re.Max < 0 {
			n += rng.IntN(rep + 1)
		} else if re.Max > re.Min {
			n += rng.IntN(min(re.Max-re.Min, rep) + 1)
		}
		for range n {
			genRegexp(b, re.Sub[0], rng, depth+1, rep)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			genRegexp(b, s, rng, depth+1, rep)
		}
	case syntax.OpAlternate:
		genRegexp(b, re.Sub[rng.IntN(len(re.Sub))], rng, depth+1, rep)
	}
	// anchors, boundaries and empty matches write nothing
}

// pickRune picks a rune of a character class (pairs of lo, hi), preferring
// printable ASCII letters and digits so that ids look like ids.
func pickRune(ranges []rune, rng *rand.Rand) rune {
	var nice []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := max(ranges[i], '0'); r <= ranges[i+1] && r <= 'z'; r++ {
			if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				nice = append(nice, r)
			}
		}
	}
	if len(nice) > 0 {
		return nice[rng.IntN(len(nice))]
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < 0x7f; r++ {
			if r > ' ' {
				return r
			}
		}
	}
	if len(ranges) >= 2 {
		return ranges[0]
	}
	return 'a'
}
