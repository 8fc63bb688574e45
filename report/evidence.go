package report

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// This file renders the parts of a result as plain text, shared by the JUnit
// failure text and the Markdown report. All output is sanitized; bodies
// come bounded (bound.go) and diffs are capped at maxBody.

// formatDuration rounds d for display: milliseconds from 1ms up, microseconds below.
func formatDuration(d time.Duration) string {
	if d >= time.Millisecond || d <= -time.Millisecond {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// formatEffect is "observer, step: before → after (+delta)", then which
// items appeared and disappeared: "; added: pay_2 (in no recorded response)".
func formatEffect(e probes.Effect) string {
	s := fmt.Sprintf("%s, %s: %d → %d (%+d)", sanitizeLine(e.Observer), sanitizeLine(e.Step), e.Before, e.After, e.Delta())
	return s + formatItems(e)
}

// formatItems is the "; added: …; removed: …" tail of an effect, "" when
// the observer saw no items come or go.
func formatItems(e probes.Effect) string {
	var s string
	if len(e.Added) > 0 {
		s += "; added: " + sanitizeLine(strings.Join(e.Added, ", "))
	}
	if len(e.Removed) > 0 {
		s += "; removed: " + sanitizeLine(strings.Join(e.Removed, ", "))
	}
	return s
}

// formatEffectDiff is an effect's snapshot diff "(-before +after)",
// indented under its effect line; "" when there is none.
func formatEffectDiff(e probes.Effect) string {
	if e.Diff == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("    snapshots (-before +after):\n")
	for _, line := range strings.Split(capBlock(e.Diff), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// formatHeader writes one "Name: value" line per value, names sorted.
func formatHeader(b *strings.Builder, h map[string][]string) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range h[name] {
			b.WriteString(sanitizeLine(name) + ": " + sanitizeLine(v) + "\n")
		}
	}
}

// formatBody writes a blank line and the body, if there is one. Bodies
// come bounded (bound.go), their cuts marked; maxShownBody only stops one
// that did not.
func formatBody(b *strings.Builder, body string) {
	if body == "" {
		return
	}
	b.WriteString("\n")
	b.WriteString(strings.TrimRight(truncateMiddle(sanitizeText(body), maxShownBody), "\n"))
	b.WriteString("\n")
}

// capBlock sanitizes a multi-line block and caps it at maxBody.
func capBlock(s string) string {
	return strings.TrimRight(truncateMiddle(sanitizeText(s), maxBody), "\n")
}

// exchangeRequest renders the request of exchange i, or, when it is the
// request an earlier exchange sent (a replay, a concurrent copy), names
// that exchange: repeating it would say nothing new.
func exchangeRequest(ev []probes.Exchange, i int) string {
	j := i
	for j > 0 && sameRequest(ev[j-1].Request, ev[i].Request) {
		j--
	}
	if j < i {
		return "(the same request as " + exchangeLabel(j, ev[j]) + ")\n"
	}
	return formatRequest(ev[i].Request)
}

// sameRequest reports whether a and b are the same request.
func sameRequest(a, b probes.RequestRecord) bool {
	return a.Method == b.Method && a.URL == b.URL && a.Body == b.Body && a.BodyCut == b.BodyCut &&
		maps.EqualFunc(a.Header, b.Header, slices.Equal)
}

// formatRequest renders a request: the request line, headers and body.
func formatRequest(req probes.RequestRecord) string {
	var b strings.Builder
	b.WriteString(sanitizeLine(req.Method) + " " + sanitizeLine(req.URL) + "\n")
	formatHeader(&b, req.Header)
	formatBody(&b, req.Body)
	return b.String()
}

// formatResponse renders a response: the status line, headers and body; or,
// when there was none, why.
func formatResponse(x probes.Exchange) string {
	if x.Response == nil {
		reason := sanitizeLine(x.Err)
		if reason == "" {
			reason = "no error recorded"
		}
		return "(no response: " + reason + ")\n"
	}
	var b strings.Builder
	b.WriteString("HTTP " + strconv.Itoa(x.Response.Status))
	if text := http.StatusText(x.Response.Status); text != "" {
		b.WriteString(" " + text)
	}
	b.WriteString("\n")
	formatHeader(&b, x.Response.Header)
	formatBody(&b, x.Response.Body)
	if x.Response.BodyTruncated {
		b.WriteString("(body cut by idemcheck after " + strconv.Itoa(probes.MaxBody) + " bytes)\n")
	}
	if x.Err != "" {
		b.WriteString("(error: " + sanitizeLine(x.Err) + ")\n")
	}
	return b.String()
}

// exchangeTitle is "label (elapsed)".
func exchangeTitle(i int, x probes.Exchange) string {
	return exchangeLabel(i, x) + " (" + formatDuration(x.Elapsed) + ")"
}

// exchangeLabel is the label of the i-th exchange, "exchange N" without one.
func exchangeLabel(i int, x probes.Exchange) string {
	if label := sanitizeLine(x.Label); label != "" {
		return label
	}
	return "exchange " + strconv.Itoa(i+1)
}

// Detail is the full plain-text account of a result, for a CI or test log:
// reason, rule, fix, diffs, effects and the evidence exchanges.
func Detail(r probes.Result) string { return formatDetail(r) }

// formatDetail is Detail.
func formatDetail(r probes.Result) string {
	var b strings.Builder
	b.WriteString(resultReason(r) + "\n")
	if r.Rule != "" || r.Fix != "" {
		b.WriteString("\n")
	}
	if r.Rule != "" {
		b.WriteString("Rule: " + sanitizeLine(r.Rule) + "\n")
	}
	if r.Fix != "" {
		b.WriteString("Fix: " + sanitizeLine(r.Fix) + "\n")
	}
	for _, d := range r.Diffs {
		b.WriteString("\nDiff:\n" + capBlock(d) + "\n")
	}
	if len(r.Effects) > 0 {
		b.WriteString("\nEffects:\n")
		for _, e := range r.Effects {
			b.WriteString("  " + formatEffect(e) + "\n")
			if r.Verdict == probes.Fail {
				b.WriteString(formatEffectDiff(e)) // what the failure rests on
			}
		}
	}
	if len(r.Evidence) > 0 {
		b.WriteString("\nEvidence:\n")
		for i, x := range r.Evidence {
			b.WriteString("\n--- " + exchangeTitle(i, x) + "\n")
			b.WriteString(exchangeRequest(r.Evidence, i))
			b.WriteString("\n")
			b.WriteString(formatResponse(x))
		}
	}
	if note := omittedNote(r); note != "" {
		b.WriteString("\n" + note + "\n")
	}
	return truncateEnd(b.String(), maxDetail)
}

// omittedNote says how many exchanges a result shows no longer, and where
// they are; "" when it shows them all.
func omittedNote(r probes.Result) string {
	if r.EvidenceOmitted <= 0 {
		return ""
	}
	return fmt.Sprintf("(%s: see the first of this kind, or the JSON report with --evidence full)", plural(r.EvidenceOmitted, "more exchange"))
}

// resultReason is the one-line reason, or the verdict when there is none.
func resultReason(r probes.Result) string {
	if reason := sanitizeLine(r.Reason); reason != "" {
		return reason
	}
	return "verdict: " + sanitizeLine(string(r.Verdict))
}

// severityLabel is a failure's severity, with its class when the failure is
// a conformance finding rather than a safety one: "minor, conformance".
func severityLabel(r probes.Result) string {
	if r.Class == probes.Conformance {
		return r.Severity.String() + ", " + string(probes.Conformance)
	}
	return r.Severity.String()
}

// testName is "<probe id>: <title>", the name of a result in reports.
func testName(r probes.Result) string {
	probe := sanitizeLine(r.Probe)
	if probe == "" {
		probe = "unnamed probe"
	}
	if title := sanitizeLine(r.Title); title != "" {
		return probe + ": " + title
	}
	return probe
}
