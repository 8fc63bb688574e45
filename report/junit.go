package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// The JUnit XML document, in the shape docs/ci.md describes with what CI
// systems read of it: one flat <testsuite> per operation, one <testcase>
// per probe, in a <testsuites> (written token by token, JUnitOptions.write)
// that carries no skipped or timestamp attribute, so the report also
// validates against the Jenkins xUnit schema.
type (
	junitTestsuite struct {
		Name       string           `xml:"name,attr"`
		Tests      int              `xml:"tests,attr"`
		Failures   int              `xml:"failures,attr"`
		Errors     int              `xml:"errors,attr"`
		Skipped    int              `xml:"skipped,attr"`
		Time       string           `xml:"time,attr"`
		Timestamp  string           `xml:"timestamp,attr,omitempty"`
		Properties *junitProperties `xml:"properties"`
		Cases      []junitTestcase  `xml:"testcase"`
	}
	junitProperties struct {
		Property []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitTestcase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Skipped   *junitSkipped `xml:"skipped"`
		Failure   *junitResult  `xml:"failure"`
		Error     *junitResult  `xml:"error"`
		SystemOut *junitOut     `xml:"system-out"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
	junitResult struct {
		Message string    `xml:"message,attr"`
		Type    string    `xml:"type,attr"`
		Text    junitText `xml:",chardata"`
	}
	// junitText is element text. It is ",chardata", but written with
	// literal newlines instead of "&#xA;" so the raw file reads well too.
	junitText string
	junitOut  struct {
		Text junitText `xml:",chardata"`
	}
)

// MarshalXML writes r like the struct tags say, but its text through
// Encoder.EncodeToken(xml.CharData), which escapes like ",chardata"
// (& < > " ' and invalid characters) except that it leaves newlines literal.
func (r junitResult) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr,
		xml.Attr{Name: xml.Name{Local: "message"}, Value: r.Message},
		xml.Attr{Name: xml.Name{Local: "type"}, Value: r.Type})
	return encodeText(e, start, string(r.Text))
}

// MarshalXML writes o's text with literal newlines; see junitResult.MarshalXML.
func (o junitOut) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodeText(e, start, string(o.Text))
}

func encodeText(e *xml.Encoder, start xml.StartElement, text string) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeToken(xml.CharData(text)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// JUnitOptions adjust the JUnit report.
type JUnitOptions struct {
	// OmitPositions leaves out testcase/@file and @line (where the
	// operation is declared in the document): the Jenkins xUnit schema,
	// and tools validating against it, reject them.
	OmitPositions bool
}

// WriteJUnit writes the run as JUnit XML with default options; see
// JUnitOptions.Write.
func WriteJUnit(w io.Writer, run *Run) error { return JUnitOptions{}.Write(w, run) }

// Write writes the run as JUnit XML, valid against
// internal/junittest/testdata/junit-ci.xsd (and, with OmitPositions,
// against the Jenkins xUnit schema beside it). A Fail verdict becomes <failure type=severity>, Error
// becomes <error type="error">, both with the reason as message and the
// detail (rule, fix, diffs, effects, evidence) as text; Skip becomes
// <skipped>; a pass carries its reason in <system-out>. A failure a
// baseline accepts becomes <skipped message="accepted (baseline): …"> with
// the detail in <system-out>, so CI systems do not count it as failed:
// failures is Counts.Fail, skipped is Counts.Skip + Counts.Accepted. Test
// cases carry the operation's file and line when known. All text is
// sanitized for XML 1.0 and capped in size. A run without results is
// written as one skipped test case, because several CI systems fail on an
// empty report.
func (o JUnitOptions) Write(w io.Writer, run *Run) error {
	if err := o.write(w, run); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// write writes the document one suite at a time: the totals come from the
// verdicts, the detail of each result from its evidence, read back and
// bounded as the suite is written.
func (o JUnitOptions) write(w io.Writer, run *Run) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	timestamp := junitTimestamp(run.Started)
	props := junitRunProperties(run)
	groups := run.Groups()
	c := run.Counts()
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}}
	if name := sanitizeLine(run.Tool); name != "" {
		root.Attr = append(root.Attr, xml.Attr{Name: xml.Name{Local: "name"}, Value: name})
	}
	tests, failures, errs := c.Total(), c.Fail, c.Error
	if len(groups) == 0 {
		tests, failures, errs = 1, 0, 0 // emptyRunSuite
	}
	for _, a := range [][2]string{{"tests", strconv.Itoa(tests)}, {"failures", strconv.Itoa(failures)}, {"errors", strconv.Itoa(errs)}, {"time", junitTime(run.Duration)}} {
		root.Attr = append(root.Attr, xml.Attr{Name: xml.Name{Local: a[0]}, Value: a[1]})
	}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	suite := xml.StartElement{Name: xml.Name{Local: "testsuite"}}
	if len(groups) == 0 {
		if err := enc.EncodeElement(emptyRunSuite(timestamp, props), suite); err != nil {
			return err
		}
	}
	s := newShownForPeople(run)
	for _, g := range groups {
		ts, err := junitSuite(s, g, timestamp, props, o)
		if err != nil {
			return err
		}
		if err := enc.EncodeElement(ts, suite); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitSuite is the suite of one operation, its results read back.
func junitSuite(s *shown, g Group, timestamp string, props *junitProperties, o JUnitOptions) (junitTestsuite, error) {
	c := g.Counts()
	suite := junitTestsuite{
		Name:       nonEmpty(sanitizeLine(operationName(g.Operation)), "unknown operation"),
		Tests:      c.Total(),
		Failures:   c.Fail,
		Errors:     c.Error,
		Skipped:    c.Skip + c.Accepted,
		Time:       junitTime(g.Duration()),
		Timestamp:  timestamp,
		Properties: props,
	}
	classname := nonEmpty(sanitizeLine(operationID(g.Operation)), "unknown operation")
	seen := make(map[string]int)
	for k, light := range g.Results {
		r := light
		if light.Verdict != probes.Pass && light.Verdict != probes.Skip { // only findings show their evidence
			var err error
			if r, err = s.result(g.index[k]); err != nil {
				return suite, err
			}
		}
		name := testName(r)
		// Keep (classname, name) unique: GitLab keeps only the first of
		// duplicates, and retry detection keys on it.
		if seen[name]++; seen[name] > 1 {
			name += " #" + strconv.Itoa(seen[name])
		}
		tc := junitCase(classname, name, r)
		if !o.OmitPositions {
			tc.File, tc.Line = sanitizeLine(g.Operation.File), max(0, g.Operation.Line)
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return suite, nil
}

func junitCase(classname, name string, r probes.Result) junitTestcase {
	tc := junitTestcase{Name: name, Classname: classname, Time: junitTime(r.Duration)}
	switch r.Verdict {
	case probes.Pass:
		if reason := sanitizeLine(r.Reason); reason != "" {
			tc.SystemOut = &junitOut{Text: junitText(reason)}
		}
	case probes.Skip:
		tc.Skipped = &junitSkipped{Message: sanitizeLine(r.Reason)}
	case probes.Fail:
		if r.Accepted {
			tc.Skipped = &junitSkipped{Message: "accepted (baseline): " + resultReason(r)}
			tc.SystemOut = &junitOut{Text: junitText(formatDetail(r))}
			break
		}
		msg := resultReason(r)
		if r.Class == probes.Conformance { // type stays the severity, for tools that gate on it
			msg = string(probes.Conformance) + ": " + msg
		}
		tc.Failure = &junitResult{Message: msg, Type: r.Severity.String(), Text: junitText(formatDetail(r))}
	default: // probes.Error and unknown verdicts; Counts treats them the same way
		tc.Error = &junitResult{Message: resultReason(r), Type: "error", Text: junitText(formatDetail(r))}
	}
	return tc
}

// emptyRunSuite stands in for a run that produced no results.
func emptyRunSuite(timestamp string, props *junitProperties) junitTestsuite {
	return junitTestsuite{
		Name: "idemcheck", Tests: 1, Skipped: 1, Time: junitTime(0), Timestamp: timestamp,
		Properties: props,
		Cases: []junitTestcase{{
			Name: "no probes ran", Classname: "idemcheck", Time: junitTime(0),
			Skipped: &junitSkipped{Message: "the run produced no results"},
		}},
	}
}

// junitRunProperties are the run's metadata, as suite properties.
func junitRunProperties(run *Run) *junitProperties {
	var p junitProperties
	add := func(name, value string) {
		if value = sanitizeLine(value); value != "" {
			p.Property = append(p.Property, junitProperty{Name: name, Value: value})
		}
	}
	add("idemcheck.tool", run.Tool)
	add("idemcheck.spec", run.Spec)
	add("idemcheck.base_url", run.displayBaseURL())
	add("idemcheck.fail_on", run.Gate.String())
	outcome := run.Outcome()
	add("idemcheck.outcome", string(outcome.Status))
	add("idemcheck.outcome_reason", outcome.Reason)
	if b := run.Baseline; b != nil {
		add("idemcheck.baseline", b.File)
		add("idemcheck.baseline.accepted", strconv.Itoa(run.Counts().Accepted))
		add("idemcheck.baseline.fixed", strconv.Itoa(len(b.Fixed)))
	}
	if len(p.Property) == 0 {
		return nil
	}
	return &p
}

// junitTime is seconds with exactly 3 decimals ("0.125"), never negative and
// never in exponent form, as junit-ci.xsd requires.
func junitTime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := (d + time.Millisecond/2) / time.Millisecond
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}

// junitTimestamp is t in UTC, whole seconds, RFC 3339 ("2006-01-02T15:04:05Z");
// empty for the zero time.
func junitTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
