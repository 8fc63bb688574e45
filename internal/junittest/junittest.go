// Package junittest checks JUnit XML reports in tests: well-formed XML 1.0,
// counts that add up, and validity against the project's schema and the
// Jenkins xUnit schema (through xmllint, when it is installed).
package junittest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// Report structs for reading reports back; deliberately separate from the
// writer's, so a mistake in one is not mirrored in the other.
type (
	Suites struct {
		Tests    int     `xml:"tests,attr"`
		Failures int     `xml:"failures,attr"`
		Errors   int     `xml:"errors,attr"`
		Suites   []Suite `xml:"testsuite"`
	}
	Suite struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []Case `xml:"testcase"`
	}
	Case struct {
		Name      string  `xml:"name,attr"`
		Classname string  `xml:"classname,attr"`
		Failure   *Result `xml:"failure"`
		Error     *Result `xml:"error"`
		Skipped   *Result `xml:"skipped"`
	}
	Result struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// The schemas: ours (strict, accepts testcase/@file and @line) and the
// Jenkins xUnit plugin's, the most used lenient one, which rejects them.
const (
	CISchema      = "junit-ci.xsd"
	JenkinsSchema = "jenkins-xunit-junit-10.xsd"
)

// Schemas are the XSDs a report without positions must satisfy.
var Schemas = []string{CISchema, JenkinsSchema}

// Check runs every check on a report and returns it decoded.
func Check(t testing.TB, data []byte) Suites {
	t.Helper()
	WellFormed(t, data)
	s := Counts(t, data)
	Validate(t, data)
	return s
}

// CheckWithPositions is Check for a report whose testcases carry file and
// line: it satisfies CISchema, which allows them; the Jenkins xUnit schema
// rejects them (JUnitOptions.OmitPositions leaves them out for it).
func CheckWithPositions(t testing.TB, data []byte) Suites {
	t.Helper()
	WellFormed(t, data)
	s := Counts(t, data)
	ValidateSchemas(t, data, CISchema)
	return s
}

// Counts decodes a report and checks what an XSD cannot: tests is the number
// of cases; failures, errors and skipped the cases with each child; the
// <testsuites> counts are the sums; at most one result element per case.
func Counts(t testing.TB, data []byte) Suites {
	t.Helper()
	var s Suites
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatalf("decode junit: %v", err)
	}
	var sum Suite
	for _, suite := range s.Suites {
		var got Suite
		for _, c := range suite.Cases {
			got.Tests++
			n := 0
			for _, r := range []struct {
				present bool
				count   *int
			}{{c.Failure != nil, &got.Failures}, {c.Error != nil, &got.Errors}, {c.Skipped != nil, &got.Skipped}} {
				if r.present {
					*r.count++
					n++
				}
			}
			if n > 1 {
				t.Errorf("case %q has %d result elements", c.Name, n)
			}
		}
		if got.Tests != suite.Tests || got.Failures != suite.Failures || got.Errors != suite.Errors || got.Skipped != suite.Skipped {
			t.Errorf("suite %q counts tests=%d failures=%d errors=%d skipped=%d, cases say %d/%d/%d/%d",
				suite.Name, suite.Tests, suite.Failures, suite.Errors, suite.Skipped, got.Tests, got.Failures, got.Errors, got.Skipped)
		}
		sum.Tests += got.Tests
		sum.Failures += got.Failures
		sum.Errors += got.Errors
	}
	if sum.Tests != s.Tests || sum.Failures != s.Failures || sum.Errors != s.Errors {
		t.Errorf("testsuites counts tests=%d failures=%d errors=%d, suites sum to %d/%d/%d",
			s.Tests, s.Failures, s.Errors, sum.Tests, sum.Failures, sum.Errors)
	}
	return s
}

// WellFormed reads every token; encoding/xml rejects characters that XML 1.0
// forbids ("illegal character code U+001B") and invalid UTF-8. It also
// checks that attributes (messages) are one line.
func WellFormed(t testing.TB, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		t.Fatal("report is not valid UTF-8")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("report is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if strings.ContainsAny(a.Value, "\n\r") {
					t.Errorf("<%s %s> is not one line: %q", se.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
}

// Validate runs xmllint against every schema in Schemas; it skips only when
// xmllint is not installed (CI installs it: see .ci/run), and says so in
// the default go test output when the package's TestMain is testtool.Main.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	ValidateSchemas(t, data, Schemas...)
}

// ValidateSchemas runs xmllint against the named schemas (CISchema,
// JenkinsSchema): a report with testcase positions satisfies CISchema only.
func ValidateSchemas(t testing.TB, data []byte, schemas ...string) {
	t.Helper()
	for _, name := range schemas {
		if err := SchemaError(t, data, name); err != nil {
			t.Error(err)
		}
	}
}

// SchemaError runs xmllint against one schema and returns what it said
// when the report breaks it, nil when it validates; for tests that pin
// what a schema rejects. It skips when xmllint is not installed.
func SchemaError(t testing.TB, data []byte, schema string) error {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		testtool.Skip(t, "xmllint not installed (apt-get install libxml2-utils)")
	}
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", schemaPath(schema), path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("xmllint --schema %s: %w\n%s", schema, err, out)
	}
	return nil
}

// schemaPath finds a schema beside this file, whichever package's test runs.
func schemaPath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", name)
}
