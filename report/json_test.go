package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteJSON(t *testing.T) {
	run := fixtureRun()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", buf.Bytes())

	var got struct {
		SchemaVersion int    `json:"schema_version"`
		Started       string `json:"started"`
		DurationMS    float64
		FailOn        string `json:"fail_on"`
		GateFailed    bool   `json:"gate_failed"`
		Summary       Counts `json:"summary"`
		Results       []struct {
			Verdict    string  `json:"verdict"`
			Severity   string  `json:"severity"`
			DurationMS float64 `json:"duration_ms"`
			Effects    []struct {
				Delta int `json:"delta"`
			} `json:"effects"`
		} `json:"results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != JSONSchemaVersion {
		t.Errorf("schema_version = %d, want %d", got.SchemaVersion, JSONSchemaVersion)
	}
	if diff := cmp.Diff(run.Counts(), got.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	var fromResults Counts
	for _, r := range got.Results {
		switch r.Verdict {
		case "pass":
			fromResults.Pass++
		case "fail":
			fromResults.Fail++
		case "error":
			fromResults.Error++
		case "skip":
			fromResults.Skip++
		}
	}
	if diff := cmp.Diff(got.Summary, fromResults); diff != "" {
		t.Errorf("summary disagrees with results (-summary +results):\n%s", diff)
	}
	if got.Started != "2025-01-02T02:04:05.678Z" || got.FailOn != "major" || !got.GateFailed {
		t.Errorf("started=%q fail_on=%q gate_failed=%v", got.Started, got.FailOn, got.GateFailed)
	}
	if r := got.Results[1]; r.Severity != "critical" || r.DurationMS != 2345.678 || r.Effects[0].Delta != 1 {
		t.Errorf("results[1] = %+v", r)
	}
	if strings.Contains(buf.String(), "s3cret") {
		t.Error("JSON report contains the base URL's password")
	}
}

func TestWriteJSONEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, &Run{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"results": []`) {
		t.Errorf("empty run: results is not an empty array:\n%s", buf.String())
	}
}
