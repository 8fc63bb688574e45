package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"clean", "héllo\tworld\n", "héllo\tworld\n"},
		{"ansi colour stripped", "\x1b[31mred\x1b[0m", "red"},
		{"osc title stripped", "\x1b]0;title\x07text", "text"},
		{"lone escape replaced", "a\x1bb", "a\uFFFDb"},
		{"C0 controls replaced", "\x00\x07\x0b\x0c", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"DEL and C1 replaced", "\x7f\u0085\u009b", "\uFFFD\uFFFD\uFFFD"},
		{"invalid UTF-8 replaced", "caf\xe9", "caf\uFFFD"},
		{"non-characters replaced", "\uFFFE\uFFFF", "\uFFFD\uFFFD"},
		{"CRLF and CR become LF", "a\r\nb\rc", "a\nb\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeText(tt.in); got != tt.want {
				t.Errorf("sanitizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeLine(t *testing.T) {
	if got, want := sanitizeLine("  a\n\tb \r\n c  "), "a b c"; got != want {
		t.Errorf("sanitizeLine = %q, want %q", got, want)
	}
	long := sanitizeLine(strings.Repeat("x", 5000))
	if len(long) > maxLine+50 || !strings.Contains(long, "...[truncated 3976 bytes]...") {
		t.Errorf("sanitizeLine of 5000 bytes = %d bytes, ending %q", len(long), long[len(long)-40:])
	}
}

func TestTruncateMiddle(t *testing.T) {
	s := strings.Repeat("é", 3000) // 6000 bytes
	got := truncateMiddle(s, 4096)
	if !utf8.ValidString(got) {
		t.Error("truncateMiddle cut a rune")
	}
	if !strings.Contains(got, "...[truncated ") || len(got) > 4096+40 {
		t.Errorf("truncateMiddle: %d bytes", len(got))
	}
	if got := truncateMiddle("short", 4096); got != "short" {
		t.Errorf("truncateMiddle(short) = %q", got)
	}
}
