package report

import (
	"sort"
	"strings"
)

// Redacted is the mark left where a secret value was.
const Redacted = "[redacted]"

// Redactor scrubs secret values, and their common encodings, from text and
// from runs (see MinSecretLen for which values are scrubbed where).
// The zero value and nil scrub nothing.
type Redactor struct {
	long  *strings.Replacer // forms of secrets of MinSecretLen bytes or more
	heads []string          // the same forms, longest first, for cut-off tails
	words []string          // forms of shorter secrets, scrubbed as whole words
	whole map[string]bool   // forms of the shortest, scrubbed as whole fields
}

// NewRedactor returns a Redactor for secrets; empty values are ignored.
func NewRedactor(secrets []string) *Redactor {
	r := &Redactor{whole: map[string]bool{}}
	for _, s := range secrets {
		for form, n := range secretForms(s) {
			switch {
			case n >= MinSecretLen:
				r.heads = append(r.heads, form)
			case n >= minWordSecretLen:
				r.words = append(r.words, form)
			default:
				r.whole[form] = true
			}
		}
	}
	longestFirst := func(s []string) {
		sort.Slice(s, func(i, j int) bool {
			if len(s[i]) != len(s[j]) {
				return len(s[i]) > len(s[j])
			}
			return s[i] < s[j]
		})
	}
	longestFirst(r.heads)
	longestFirst(r.words)
	if len(r.heads) > 0 {
		// strings.Replacer tries patterns in argument order at each
		// position, so a longer form wins over a form it contains.
		pairs := make([]string, 0, 2*len(r.heads))
		for _, f := range r.heads {
			pairs = append(pairs, f, Redacted)
		}
		r.long = strings.NewReplacer(pairs...)
	}
	return r
}

// Redact returns a copy of run with every secret value scrubbed from every
// text it holds: the base URL and spec, operation names, titles, reasons,
// rules, fixes, diffs, effects (observer names, items, snapshot diffs,
// notes) and evidence (URLs, header names and values, bodies, errors).
// The engine calls it once, before any report is written, so every format
// and the terminal render the scrubbed run. Verdicts are left as they are.
func Redact(run *Run, secrets []string) *Run {
	return NewRedactor(secrets).Run(run)
}

// empty reports whether r scrubs nothing.
func (r *Redactor) empty() bool {
	return r == nil || (r.long == nil && len(r.words) == 0 && len(r.whole) == 0)
}

// String scrubs s.
func (r *Redactor) String(s string) string {
	if r.empty() || s == "" {
		return s
	}
	if r.whole[strings.TrimSpace(s)] {
		return Redacted
	}
	if r.long != nil {
		s = r.long.Replace(s)
	}
	for _, w := range r.words {
		s = replaceWord(s, w)
	}
	return s
}

// body scrubs a body, and also the start of a secret at its very end: a
// body capped while reading (probes.MaxBody) may cut a secret off, and the
// part that was read is a secret too.
func (r *Redactor) body(s string) string {
	s = r.String(s)
	if r.empty() {
		return s
	}
	for _, f := range r.heads {
		// The longest tail of s that begins f, MinSecretLen bytes or more.
		for i := max(0, len(s)-len(f)+1); i <= len(s)-MinSecretLen; i++ {
			if s[i] == f[0] && strings.HasPrefix(f, s[i:]) {
				return s[:i] + Redacted
			}
		}
	}
	return s
}

// replaceWord replaces the occurrences of w in s that are not part of a
// longer word: the bytes before and after are not ASCII letters or digits.
func replaceWord(s, w string) string {
	if w == "" || !strings.Contains(s, w) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, w)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(w)
		if (i > 0 && isWordByte(s[i-1])) || (end < len(s) && isWordByte(s[end])) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(Redacted)
		s = s[end:]
	}
}

// isWordByte reports whether c is an ASCII letter or digit.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// RedactError returns err with secrets scrubbed from its message, still
// wrapping err for errors.Is and errors.As; nil for nil. An error about a
// configured observer quotes its command, which may hold a credential.
func RedactError(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := NewRedactor(secrets).String(err.Error())
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// redactedError is an error whose message was scrubbed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
