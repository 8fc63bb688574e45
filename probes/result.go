package probes

import (
	"fmt"
	"strings"
	"time"
)

// Verdict is the outcome of one probe on one operation.
type Verdict string

// The verdicts. Fail means the probe ran and found a defect; Error means the
// experiment could not be carried out (so nothing is known); Skip means the
// probe does not apply.
const (
	Pass  Verdict = "pass"
	Fail  Verdict = "fail"
	Error Verdict = "error"
	Skip  Verdict = "skip"
)

// Severity ranks a failure; the --fail-on gate compares against it.
type Severity int

// The severities, lowest first.
const (
	Info Severity = iota
	Minor
	Major
	Critical
)

var severityNames = [...]string{"info", "minor", "major", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name as used by --fail-on.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalText makes severities read as names in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Class is the kind of a failing result.
type Class string

// The classes. A safety failure means a client could be harmed: a second side
// effect, another principal's data, a different body taken for a retry. A
// conformance failure means the request was handled safely (refused with a
// 4xx, nothing done, nothing leaked) but not the way the profile says, e.g.
// 417 where 422 is expected; it is never above Minor.
const (
	Safety      Class = "safety"
	Conformance Class = "conformance"
)

// OperationRef identifies the operation a result is about.
type OperationRef struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// File and Line are where the operation is declared in the document
	// (the file a $ref led to, relative to the working directory, with /
	// separators); empty and 0 when unknown.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Name is "METHOD /path".
func (o OperationRef) Name() string { return o.Method + " " + o.Path }

// Result is the verdict of one probe on one operation, with its evidence.
// Every report format renders Results; none re-derives a verdict.
type Result struct {
	Operation OperationRef `json:"operation"`
	Probe     string       `json:"probe"`    // stable probe id, e.g. "replay"
	Title     string       `json:"title"`    // what was tested, one line
	Verdict   Verdict      `json:"verdict"`  // pass, fail, error, skip
	Severity  Severity     `json:"severity"` // the probe's severity (meaningful on fail)
	// Class says, on a failure, what kind of finding it is: Safety (the
	// property the probe checks did not hold) or Conformance (it held, but
	// the answer deviates from the profile's convention, e.g. a status).
	Class  Class  `json:"class,omitempty"`
	Reason string `json:"reason"` // one line: why this verdict
	// Rule is the reference the probe checks (the IETF draft section or a
	// provider's documented behaviour), and Fix what to change on failure.
	Rule string `json:"rule,omitempty"`
	Fix  string `json:"fix,omitempty"`
	// Evidence are the exchanges the verdict rests on, credentials redacted.
	Evidence []Exchange `json:"evidence,omitempty"`
	// Diffs are the differences that justify a verdict (a reply's status,
	// headers and body by JSON pointer, "want → got": diffview.go) and
	// notes on the experiment.
	Diffs []string `json:"diffs,omitempty"`
	// Effects are the side-effect observations, when an observer was available.
	Effects  []Effect      `json:"effects,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Requests is how many requests the experiment sent: its parents',
	// its own and its observers' reads (sent.go); 0 when it sent none.
	Requests int `json:"requests,omitempty"`
	// Created is what the experiment created on the server (created.go),
	// for check --cleanup; never reported as such.
	Created []Created `json:"-"`
	// Accepted marks a failure that a baseline of known findings accepts
	// (report.ApplyBaseline): it is still a failure and shown in every
	// report, but it does not fail the gate.
	Accepted bool `json:"accepted,omitempty"`
	// EvidenceOmitted counts the exchanges a report left out of Evidence
	// (report: the first result of each kind keeps them all; later ones
	// keep those that prove them).
	EvidenceOmitted int `json:"evidence_omitted,omitempty"`
}

// Exchange is one request and what came back, as recorded evidence.
type Exchange struct {
	Label    string        `json:"label"` // the role in the experiment: "first", "replay", "control", …
	Request  RequestRecord `json:"request"`
	Response *Response     `json:"response,omitempty"` // nil when the request failed
	Err      string        `json:"error,omitempty"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// RequestRecord is a redacted copy of a sent request.
type RequestRecord struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Header map[string][]string `json:"header,omitempty"`
	Body   string              `json:"body,omitempty"`
	// BodyCut counts the bytes of the body a report left out; the cuts are
	// marked in Body.
	BodyCut int `json:"body_cut,omitempty"`
}

// Response is a received response, its body capped (see MaxBody).
type Response struct {
	Status int                 `json:"status"`
	Header map[string][]string `json:"header,omitempty"`
	Body   string              `json:"body,omitempty"`
	// BodyTruncated says the body was longer than MaxBody: Body is its
	// first MaxBody bytes (after decoding, e.g. gzip).
	BodyTruncated bool `json:"body_truncated,omitempty"`
	// BodyCut counts the bytes of the body a report left out; the cuts are
	// marked in Body.
	BodyCut int `json:"body_cut,omitempty"`
}

// Effect is a side-effect observation: a snapshot count before and after one
// step of an experiment.
type Effect struct {
	Observer string `json:"observer"` // e.g. "collection GET /v1/payments"
	Step     string `json:"step"`     // e.g. "first request", "replays"
	Before   int    `json:"before"`
	After    int    `json:"after"`
	// Added and Removed are the items that appeared and disappeared during
	// the step, by id, each with the response that named it ("returned to
	// first") or "in no recorded response"; empty for counters.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// Diff is the go-cmp diff of the step's snapshots "(-before +after)".
	Diff string `json:"diff,omitempty"`
	// Note says when the counts are not attributed to this experiment by
	// its canary, and why (other traffic on the server would be counted).
	Note string `json:"note,omitempty"`
}

// Delta is how much the step added.
func (e Effect) Delta() int { return e.After - e.Before }
