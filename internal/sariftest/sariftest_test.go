package sariftest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

func TestMain(m *testing.M) { testtool.Main(m) }

// TestParse reads a log the multitool wrote (testdata/findings.sarif: its
// validation of idemcheck's SARIF before the rules came from the probe
// catalogue) into one line per error and warning; the warning's level is
// its rule's default.
func TestParse(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "findings.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GH2012 error at line 166: runs[0].tool.driver.rules[7]: This 'reportingDescriptor' object does not provide a 'fullDescription' value. This property is required by the GitHub Advanced Security service.",
		"GH2012 error at line 166: runs[0].tool.driver.rules[7]: This 'reportingDescriptor' object does not provide a 'help' object. This property is required by the GitHub Advanced Security service.",
		"SARIF2005 warning at line 9: runs[0].tool.driver.version: The tool 'idemcheck' contains the 'version' property 'dev', which is not numeric. To facilitate comparison between versions, specify a 'version' that starts with an integer, optionally followed by any desired characters.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if _, err := Parse([]byte(`{"runs":[]}`)); err == nil {
		t.Error("a log with no run parses")
	}
}

// TestFindingsRejects shows the check can fail: a rule without help or
// full description (GH2012) and a version that is not a number
// (SARIF2005), the two findings on idemcheck's SARIF before issue 26.
func TestFindingsRejects(t *testing.T) {
	bad := `{"$schema":"https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"idemcheck","version":"dev","informationUri":"https://github.com/idemcheck/idemcheck","rules":[{"id":"error-replay","shortDescription":{"text":"a retried business error is not processed differently"}}]}},"results":[]}]}`
	got := strings.Join(Findings(t, []byte(bad)), "\n")
	for _, want := range []string{"GH2012 error", "'help'", "SARIF2005 warning", "'dev'"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
}
