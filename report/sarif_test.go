package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/idemcheck/idemcheck/probes"
)

// sarifSchema compiles testdata/sarif-schema-2.1.0.json once (see
// testdata/README.md for where it comes from), asserting formats (uri,
// date-time) too.
var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("sarif-schema-2.1.0.json")
})

// validateSARIF checks data against the SARIF 2.1.0 schema.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	sch, err := sarifSchema()
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("sarif output breaks the SARIF 2.1.0 schema: %v", err)
	}
}

// sarifSummary is what a SARIF reader sees of a log.
type sarifSummary struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string
					DefaultConfiguration struct{ Level string }
					Help                 *struct{ Text string }
				}
			}
		}
		Invocations []struct {
			ToolExecutionNotifications []struct{ Level string }
		}
		Properties map[string]any
		Results    []struct {
			RuleID        string
			RuleIndex     int
			Level         string
			Message       struct{ Text string }
			BaselineState string
			Suppressions  []struct{ Kind, Status string }
			Locations     []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           struct{ StartLine int }
				}
			}
		}
	}
}

func readSARIF(t *testing.T, data []byte) sarifSummary {
	t.Helper()
	var s sarifSummary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(s.Runs))
	}
	return s
}

func TestWriteSARIF(t *testing.T) {
	run := fixtureRun()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, run); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.sarif", buf.Bytes())
	validateSARIF(t, buf.Bytes())

	s := readSARIF(t, buf.Bytes()).Runs[0]
	rules := s.Tool.Driver.Rules
	if len(rules) != len(probes.All()) {
		t.Errorf("%d rules, want one per probe of the catalogue (%d)", len(rules), len(probes.All()))
	}
	c := run.Counts()
	if len(s.Results) != c.Fail+c.Accepted {
		t.Errorf("%d results, want one per failure (%d)", len(s.Results), c.Fail+c.Accepted)
	}
	if n := len(s.Invocations[0].ToolExecutionNotifications); n != c.Error {
		t.Errorf("%d notifications, want one per error (%d)", n, c.Error)
	}
	for _, r := range s.Results {
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d, %s", r.RuleID, r.RuleIndex, rules[r.RuleIndex].ID)
		}
	}
	first := s.Results[0]
	loc := first.Locations[0].PhysicalLocation
	if first.RuleID != "concurrent" || first.Level != "error" || loc.ArtifactLocation.URI != "examples/payments/openapi.yaml" ||
		loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 42 {
		t.Errorf("first result = %+v", first)
	}
	if !strings.Contains(first.Message.Text, "pay_2") || !strings.HasPrefix(first.Message.Text, "POST /v1/payments: 5 concurrent") {
		t.Errorf("message lacks the operation, reason or evidence: %.200q", first.Message.Text)
	}
	if s.Results[1].Level != "warning" {
		t.Errorf("minor failure has level %q, want warning", s.Results[1].Level)
	}
	if strings.Contains(buf.String(), "s3cret") || strings.Contains(buf.String(), "\x1b") {
		t.Error("SARIF carries the base URL's password or an escape character")
	}
}

// TestWriteSARIFBaseline: accepted failures are suppressed and unchanged,
// the others new; both stay results.
func TestWriteSARIFBaseline(t *testing.T) {
	run := fixtureRun()
	b := NewBaseline(run)
	b.Findings = b.Findings[:1] // accept the concurrent failure only
	ApplyBaseline(run, b, "idemcheck-baseline.json")
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	states := map[string]string{}
	for _, r := range readSARIF(t, buf.Bytes()).Runs[0].Results {
		states[r.RuleID] = r.BaselineState
		if (len(r.Suppressions) == 1) != (r.BaselineState == "unchanged") {
			t.Errorf("%s: baselineState %q with %d suppressions", r.RuleID, r.BaselineState, len(r.Suppressions))
		}
	}
	if len(states) != 2 || states[b.Findings[0].Probe] != "unchanged" {
		t.Errorf("baseline states = %v, want %s unchanged and the other new", states, b.Findings[0].Probe)
	}
}

// TestWriteSARIFLocations: without a position the result points at the
// spec file; with a URL spec, at nothing physical; an absolute path is a
// file URI. Every variant validates.
func TestWriteSARIFLocations(t *testing.T) {
	tests := []struct {
		name, spec string
		op         probes.OperationRef
		wantURI    string
		wantLine   int
	}{
		{"position", "api.yaml", probes.OperationRef{Method: "POST", Path: "/a", File: "./specs/paths/a.yaml", Line: 3}, "specs/paths/a.yaml", 3},
		{"spec file", "specs/api.yaml", probes.OperationRef{Method: "POST", Path: "/a"}, "specs/api.yaml", 1},
		{"url spec", "https://example.com/api.yaml", probes.OperationRef{Method: "POST", Path: "/a"}, "", 0},
		{"absolute", "api.yaml", probes.OperationRef{ID: "a", File: "/srv/api spec.yaml", Line: 9}, "file:///srv/api%20spec.yaml", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &Run{Tool: "idemcheck dev", Spec: tt.spec, Results: []probes.Result{
				{Operation: tt.op, Probe: "replay", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two payments"},
			}}
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, run); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, buf.Bytes())
			loc := readSARIF(t, buf.Bytes()).Runs[0].Results[0].Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI != tt.wantURI || loc.Region.StartLine != tt.wantLine {
				t.Errorf("location %q line %d, want %q line %d", loc.ArtifactLocation.URI, loc.Region.StartLine, tt.wantURI, tt.wantLine)
			}
		})
	}
}

func TestWriteSARIFEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, &Run{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
}

// TestSARIFSchemaRejects shows the schema check can fail: a level SARIF
// does not know, and a result without a message.
func TestSARIFSchemaRejects(t *testing.T) {
	sch, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r","level":"fatal","message":{"text":"m"}}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepts %s", bad)
		}
	}
}
