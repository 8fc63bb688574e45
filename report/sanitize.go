package report

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Size limits for the human-readable parts of reports: each request or
// response body and each diff, one-line messages, and the whole detail text
// of one JUnit failure.
const (
	maxBody      = 4 << 10
	maxShownBody = 24 << 10 // a body bounded by bound.go, its windows included
	maxLine      = 1 << 10
	maxDetail    = 64 << 10
)

// ansiRE matches ANSI escape sequences: CSI ("ESC [ … final byte", colours
// and cursor movement), OSC ("ESC ] … BEL" or "… ESC \", titles and links)
// and the two-byte escapes.
var ansiRE = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// sanitizeText makes s safe to put in XML 1.0, Markdown and a terminal: it
// strips ANSI escape sequences, turns CRLF and CR into LF, and replaces
// invalid UTF-8, control characters other than tab and newline (C0, DEL, C1)
// and the non-characters U+FFFE and U+FFFF with U+FFFD.
func sanitizeText(s string) string {
	if isClean(s) {
		return s
	}
	s = ansiRE.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == utf8.RuneError && size == 1, !legalRune(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// legalRune reports whether r may appear in sanitized text.
func legalRune(r rune) bool {
	if r == '\t' || r == '\n' {
		return true
	}
	return !unicode.IsControl(r) && r != 0xFFFE && r != 0xFFFF
}

// isClean reports whether sanitizeText would leave s unchanged.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !legalRune(r) {
			return false
		}
		i += size
	}
	return true
}

// sanitizeLine is sanitizeText on one line: whitespace runs, newlines
// included, become one space, and the result is capped at maxLine bytes.
func sanitizeLine(s string) string {
	return truncateEnd(strings.Join(strings.Fields(sanitizeText(s)), " "), maxLine)
}

// truncatedMarker is the visible mark left where n bytes were cut.
func truncatedMarker(n int) string {
	return "...[truncated " + strconv.Itoa(n) + " bytes]..."
}

// truncateMiddle caps s at about max bytes, keeping the first three quarters
// and the last quarter and marking the cut. Cuts fall on rune boundaries.
func truncateMiddle(s string, max int) string {
	if len(s) <= max {
		return s
	}
	head := runeStart(s, max*3/4)
	tail := runeStart(s, len(s)-max/4)
	return s[:head] + truncatedMarker(tail-head) + s[tail:]
}

// truncateEnd caps s at about max bytes, keeping the start and marking the cut.
func truncateEnd(s string, max int) string {
	if len(s) <= max {
		return s
	}
	head := runeStart(s, max)
	return s[:head] + truncatedMarker(len(s)-head)
}

// runeStart moves i back to the start of the rune it falls in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
