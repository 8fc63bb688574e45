package probes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A diff is read by an API reviewer, so it speaks HTTP and JSON: one line
// per difference (indented, under the line naming the replies compared),
// the status first, then the headers compared, then the body by JSON
// pointer, "want → got", or "want = got" where they agree:
//
//	status 201 = 201
//	header Location: "/v1/payments/pay_1" → "/v1/payments/pay_2"
//	body /id: "pay_1" → "pay_2"
//	body /note: (absent) → "retried"
//	body: 4 other values equal
//
// Only how a difference reads is decided here; whether two replies differ
// is decided by cmp.Equal on the same views, as before.

// Bounds of a rendered diff: the difference lines shown, and the longest
// value shown whole (longer ones keep their start and end).
const (
	maxDiffLines = 24
	maxDiffValue = 96
)

// absent stands for a value one side does not have.
const absent = "(absent)"

// renderViews describes how got differs from want, line by line.
func renderViews(want, got replyView) string {
	var d diffWriter
	d.pair("status", strconv.Itoa(want.Status), strconv.Itoa(got.Status), true)
	if want.ContentType != "" || got.ContentType != "" {
		d.pair("header Content-Type:", headerValue(want.ContentType), headerValue(got.ContentType), true)
	}
	if want.Location != "" || got.Location != "" {
		d.pair("header Location:", headerValue(want.Location), headerValue(got.Location), true)
	}
	d.body(want.Body, got.Body)
	return d.String()
}

// renderIdentity describes how two replies differ in what a "latest
// status" replay must keep: the status and the resource id.
func renderIdentity(wantStatus, gotStatus int, wantID, gotID string) string {
	var d diffWriter
	d.pair("status", strconv.Itoa(wantStatus), strconv.Itoa(gotStatus), true)
	d.pair("resource id", headerValue(wantID), headerValue(gotID), true)
	return d.String()
}

// diffWriter collects the lines of one diff, bounded.
type diffWriter struct {
	lines []string
	more  int // differences beyond maxDiffLines
	equal int // body values that agree, counted instead of listed
}

// pair writes "name want → got", or "name want = got" when they agree and
// showEqual is set (the status and headers are always listed: they say what
// was compared).
func (d *diffWriter) pair(name, want, got string, showEqual bool) {
	switch {
	case want == got && !showEqual:
		d.equal++
	case want == got:
		d.add(name + " " + want + " = " + got)
	default:
		d.add(name + " " + want + " → " + got)
	}
}

func (d *diffWriter) add(line string) {
	if len(d.lines) >= maxDiffLines {
		d.more++
		return
	}
	d.lines = append(d.lines, line)
}

// body compares two bodies: JSON values by pointer, text by its first
// difference.
func (d *diffWriter) body(want, got any) {
	ws, wText := want.(string)
	gs, gText := got.(string)
	switch {
	case wText && gText:
		d.text(ws, gs)
	case wText || gText:
		d.add("body: " + bodyValue(want) + " → " + bodyValue(got))
	default:
		d.value("", want, got)
	}
}

// text writes where two non-JSON bodies first differ, with a little of
// what surrounds it.
func (d *diffWriter) text(want, got string) {
	if want == got {
		return
	}
	i, w, g := firstDifference(want, got)
	d.add(fmt.Sprintf("body (text, %d → %d bytes) differs at byte %d: %s → %s", len(want), len(got), i, quote(w), quote(g)))
}

// firstDifference is the byte offset where want and got first differ, and
// an excerpt of each around it, "…" marking what it leaves out.
func firstDifference(want, got string) (int, string, string) {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	for i > 0 && (i < len(want) && !utf8.RuneStart(want[i]) || i < len(got) && !utf8.RuneStart(got[i])) {
		i--
	}
	from := max(0, i-40)
	for from > 0 && !utf8.RuneStart(want[from]) {
		from--
	}
	excerpt := func(s string) string {
		end := min(len(s), i+40)
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		e := s[from:end]
		if from > 0 {
			e = "…" + e
		}
		if end < len(s) {
			e += "…"
		}
		return e
	}
	return i, excerpt(want), excerpt(got)
}

// value compares two decoded JSON values at pointer p.
func (d *diffWriter) value(p string, want, got any) {
	wm, wObj := want.(map[string]any)
	gm, gObj := got.(map[string]any)
	if wObj && gObj {
		keys := make([]string, 0, len(wm)+len(gm))
		for k := range wm {
			keys = append(keys, k)
		}
		for k := range gm {
			if _, ok := wm[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, wok := wm[k]
			gv, gok := gm[k]
			q := p + "/" + escapePointer(k)
			switch {
			case !wok:
				d.add(bodyPointer(q) + " " + absent + " → " + bodyValue(gv))
			case !gok:
				d.add(bodyPointer(q) + " " + bodyValue(wv) + " → " + absent)
			default:
				d.value(q, wv, gv)
			}
		}
		return
	}
	wa, wArr := want.([]any)
	ga, gArr := got.([]any)
	if wArr && gArr {
		for i := range max(len(wa), len(ga)) {
			q := p + "/" + strconv.Itoa(i)
			switch {
			case i >= len(wa):
				d.add(bodyPointer(q) + " " + absent + " → " + bodyValue(ga[i]))
			case i >= len(ga):
				d.add(bodyPointer(q) + " " + bodyValue(wa[i]) + " → " + absent)
			default:
				d.value(q, wa[i], ga[i])
			}
		}
		return
	}
	w, g := bodyValue(want), bodyValue(got)
	if w == g && jsonEqual(want, got) {
		d.equal++
		return
	}
	if w == g { // equal as shown, different in full: show where they differ
		_, w, g = firstDifference(compactJSON(want), compactJSON(got))
	}
	d.add(bodyPointer(p) + " " + w + " → " + g)
}

// String is the diff: its lines, then how many more differences and how
// many body values agree.
func (d *diffWriter) String() string {
	lines := d.lines
	if d.more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more differences", d.more))
	}
	if d.equal > 0 {
		lines = append(lines, fmt.Sprintf("body: %d other %s equal", d.equal, pluralWord(d.equal, "value")))
	}
	return "  " + strings.Join(lines, "\n  ") // indented under the line that names the two replies
}

// bodyPointer is the name of the body value at pointer p: "body /id", or
// the pointer quoted when it could be mistaken for the rest of the line
// (DiffPointers reads it back).
func bodyPointer(p string) string {
	if p == "" {
		return "body:"
	}
	if strings.ContainsAny(p, ":\"\n\r\t") || strings.Contains(p, " →") || !utf8.ValidString(p) {
		return "body " + quote(p) + ":"
	}
	return "body " + p + ":"
}

// DiffPointers are the JSON pointers into response bodies that a diff
// rendered by the probes points at ("body /id: …"), in order, without
// repeats: the places a report keeps when it shortens the bodies.
func DiffPointers(diff string) []string {
	var out []string
	for _, line := range strings.Split(diff, "\n") {
		line = strings.TrimLeft(line, " \t")
		rest, ok := strings.CutPrefix(line, "body ")
		if !ok {
			continue
		}
		var p string
		switch {
		case strings.HasPrefix(rest, "/"):
			p, _, ok = strings.Cut(rest, ": ")
		case strings.HasPrefix(rest, `"`):
			dec := json.NewDecoder(strings.NewReader(rest))
			ok = dec.Decode(&p) == nil && strings.HasPrefix(p, "/")
		default:
			ok = false
		}
		if ok && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// escapePointer escapes a member name for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// headerValue is a header value as shown: quoted, or "(none)".
func headerValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return shortenValue(quote(v))
}

// bodyValue is a JSON value as shown: compact JSON, shortened.
func bodyValue(v any) string {
	if s, ok := v.(string); ok {
		return shortenValue(quote(s))
	}
	return shortenValue(compactJSON(v))
}

// compactJSON is v as compact JSON, HTML characters left alone.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonEqual reports whether two decoded JSON values are the same value.
func jsonEqual(a, b any) bool { return compactJSON(a) == compactJSON(b) }

// quote is s as a JSON string.
func quote(s string) string { return compactJSON(s) }

// shorten keeps the start and the end of a long value.
func shortenValue(s string) string {
	if len(s) <= maxDiffValue {
		return s
	}
	head, tail := maxDiffValue*2/3, maxDiffValue/3
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	start := len(s) - tail
	for start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	return s[:head] + "…" + s[start:]
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
