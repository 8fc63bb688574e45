package report

import (
	"github.com/idemcheck/idemcheck/internal/junittest"

	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

func TestWriteJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.junit.xml", buf.Bytes())
	junittest.WellFormed(t, buf.Bytes())
	junittest.Counts(t, buf.Bytes())
	// Test cases carry file and line: our schema accepts them, Jenkins' does
	// not (hence JUnitOptions.OmitPositions).
	junittest.ValidateSchemas(t, buf.Bytes(), junittest.CISchema)
	if err := junittest.SchemaError(t, buf.Bytes(), junittest.JenkinsSchema); err == nil || !strings.Contains(err.Error(), "attribute 'file'") {
		t.Errorf("the Jenkins schema accepts testcase/@file, or rejects the report for another reason: %v", err)
	}

	out := buf.String()
	for _, want := range []string{
		`file="examples/payments/openapi.yaml" line="42"`,
		`timestamp="2025-01-02T02:04:05Z"`,
		`time="2.346"`,
		`...[truncated `,
		`//REDACTED@localhost`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"s3cret", "\x1b", "&#x1B;", "&#x1b;", "CDATA"} {
		if strings.Contains(out, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
}

// TestWriteJUnitOmitPositions: without file and line the report satisfies
// the Jenkins xUnit schema too, and nothing else changes.
func TestWriteJUnitOmitPositions(t *testing.T) {
	var with, without bytes.Buffer
	if err := WriteJUnit(&with, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if err := (JUnitOptions{OmitPositions: true}).Write(&without, fixtureRun()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(without.String(), ` file="`) || strings.Contains(without.String(), ` line="`) {
		t.Error("OmitPositions report has file or line attributes")
	}
	stripped := strings.NewReplacer(
		` file="examples/payments/openapi.yaml" line="42"`, "",
		` file="examples/payments/paths/users.yaml" line="7"`, "").Replace(with.String())
	if stripped != without.String() {
		t.Error("OmitPositions changed more than the file and line attributes")
	}
	junittest.Check(t, without.Bytes()) // both schemas
}

func TestWriteJUnitEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, &Run{Tool: "idemcheck 0.1.0"}); err != nil {
		t.Fatal(err)
	}
	junittest.WellFormed(t, buf.Bytes())
	s := junittest.Counts(t, buf.Bytes())
	if s.Tests != 1 || s.Suites[0].Skipped != 1 {
		t.Errorf("empty run: tests=%d skipped=%d, want one skipped placeholder", s.Tests, s.Suites[0].Skipped)
	}
	junittest.Validate(t, buf.Bytes())
}

// TestWriteJUnitDuplicateNames pins that (classname, name) stays unique when
// a probe reports twice on one operation: GitLab keeps only the first.
func TestWriteJUnitDuplicateNames(t *testing.T) {
	r := probes.Result{Operation: payments, Probe: "key-format", Title: "odd keys", Verdict: probes.Pass}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, &Run{Results: []probes.Result{r, r, r}}); err != nil {
		t.Fatal(err)
	}
	s := junittest.Counts(t, buf.Bytes())
	seen := make(map[string]bool)
	for _, c := range s.Suites[0].Cases {
		key := c.Classname + "\x00" + c.Name
		if seen[key] {
			t.Errorf("duplicate test case %q %q", c.Classname, c.Name)
		}
		seen[key] = true
	}
	junittest.ValidateSchemas(t, buf.Bytes(), junittest.CISchema)
}

// TestWriteJUnitDetailCap pins the 64 KiB cap on one failure's text: a
// concurrency probe can carry hundreds of exchanges.
func TestWriteJUnitDetailCap(t *testing.T) {
	x := probes.Exchange{
		Label:    "round",
		Request:  probes.RequestRecord{Method: "POST", URL: "/v1/payments", Body: bigBody},
		Response: &probes.Response{Status: 201, Body: bigBody},
	}
	r := probes.Result{Operation: payments, Probe: "concurrent", Verdict: probes.Fail, Reason: "two payments"}
	for range 100 {
		r.Evidence = append(r.Evidence, x)
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, &Run{Results: []probes.Result{r}}); err != nil {
		t.Fatal(err)
	}
	s := junittest.Counts(t, buf.Bytes())
	text := s.Suites[0].Cases[0].Failure.Text
	if len(text) > maxDetail+50 || !strings.HasSuffix(text, " bytes]...") {
		t.Errorf("failure text is %d bytes, ends %q; want at most %d and a truncation marker", len(text), text[len(text)-30:], maxDetail)
	}
	junittest.ValidateSchemas(t, buf.Bytes(), junittest.CISchema)
}

func TestJUnitTime(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero", 0, "0.000"},
		{"negative", -time.Second, "0.000"},
		{"tiny", 10 * time.Microsecond, "0.000"},
		{"rounds half up", 1500 * time.Microsecond, "0.002"},
		{"millis", 125 * time.Millisecond, "0.125"},
		{"seconds", 61*time.Second + 5*time.Millisecond, "61.005"},
		{"hours", 2 * time.Hour, "7200.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := junitTime(tt.d); got != tt.want {
				t.Errorf("junitTime(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

// failingWriter fails every write after the first `after`, and counts writes.
type failingWriter struct{ after, writes int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes > w.after {
		return 0, errDiskFull
	}
	return len(p), nil
}

// TestWritersReturnWriteErrors pins that no format swallows a write error.
func TestWritersReturnWriteErrors(t *testing.T) {
	formats := map[string]func(io.Writer, *Run) error{
		"junit":    WriteJUnit,
		"json":     WriteJSON,
		"markdown": WriteMarkdown,
		"terminal": func(w io.Writer, r *Run) error { return WriteTerminal(w, r, true) },
	}
	for name, write := range formats {
		count := &failingWriter{after: 1 << 30}
		if err := write(count, fixtureRun()); err != nil {
			t.Fatal(err)
		}
		for _, after := range []int{0, count.writes / 2, count.writes - 1} {
			if err := write(&failingWriter{after: after}, fixtureRun()); !errors.Is(err, errDiskFull) {
				t.Errorf("%s, failing after %d writes: err = %v, want %v", name, after, err, errDiskFull)
			}
		}
	}
}

func FuzzJUnitSanitize(f *testing.F) {
	f.Add("reason", "title", "body", "diff")
	f.Add("a\x1b[31mred\x1b[0m\nline", "\x00\x07\x0b\x0c", "caf\xe9 \xff\xfe", "\uFFFE\uFFFF]]>")
	f.Add(" ", "\r\n", strings.Repeat("x", 5000), "<&'\">")
	f.Fuzz(func(t *testing.T, reason, title, body, diff string) {
		run := &Run{
			Tool: title, Spec: body, BaseURL: reason,
			Results: []probes.Result{
				{
					Operation: probes.OperationRef{ID: title, Method: reason, Path: diff},
					Probe:     title, Title: title, Verdict: probes.Fail, Reason: reason,
					Rule: reason, Fix: title, Diffs: []string{diff, body},
					Effects: []probes.Effect{{Observer: title, Step: reason}},
					Evidence: []probes.Exchange{{
						Label:    title,
						Request:  probes.RequestRecord{Method: reason, URL: title, Header: map[string][]string{title: {reason}}, Body: body},
						Response: &probes.Response{Header: map[string][]string{reason: {title}}, Body: body},
						Err:      reason,
					}},
				},
				{Operation: probes.OperationRef{ID: reason}, Probe: body, Verdict: probes.Error, Reason: body},
				{Operation: probes.OperationRef{Path: diff}, Probe: reason, Verdict: probes.Skip, Reason: diff},
				{Probe: diff, Verdict: probes.Verdict(title), Reason: title},
				{Probe: title, Verdict: probes.Pass, Reason: body},
			},
		}
		var buf bytes.Buffer
		if err := WriteJUnit(&buf, run); err != nil {
			t.Fatal(err)
		}
		junittest.WellFormed(t, buf.Bytes())
		var s junittest.Suites
		if err := xml.Unmarshal(buf.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		if s.Tests != len(run.Results) {
			t.Errorf("tests = %d, want %d", s.Tests, len(run.Results))
		}
		for _, suite := range s.Suites {
			if strings.TrimSpace(suite.Name) == "" {
				t.Error("empty suite name")
			}
			for _, c := range suite.Cases {
				if strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Classname) == "" {
					t.Errorf("empty name or classname: %q %q", c.Name, c.Classname)
				}
				for _, res := range []*junittest.Result{c.Failure, c.Error} {
					if res != nil && len(res.Text) > maxDetail+100 {
						t.Errorf("failure text is %d bytes, cap is %d", len(res.Text), maxDetail)
					}
				}
			}
		}
	})
}
