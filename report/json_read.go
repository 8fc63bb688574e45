package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// ErrReportVersion is returned by ReadJSON for a report written in another
// shape than this idemcheck writes (its schema_version differs).
var ErrReportVersion = errors.New("unsupported report schema_version")

// ReadJSON reads a run back from a JSON report written by WriteJSON, for
// the commands that work on finished runs (baseline, merge). It rejects a
// report of another schema_version and one whose summary disagrees with its
// results. Durations come back to the microsecond; the base URL comes back
// as written, credentials redacted; the cleanup section as written.
func ReadJSON(r io.Reader) (*Run, error) {
	var doc jsonRun
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("read json report: %w", err)
	}
	if doc.SchemaVersion != JSONSchemaVersion {
		return nil, fmt.Errorf("read json report: %w %d (this idemcheck reads %d); re-run check with this version", ErrReportVersion, doc.SchemaVersion, JSONSchemaVersion)
	}
	gate, err := probes.ParseSeverity(doc.FailOn)
	if err != nil {
		return nil, fmt.Errorf("read json report: fail_on: %w", err)
	}
	run := &Run{
		Tool:     doc.Tool,
		Spec:     doc.Spec,
		BaseURL:  doc.BaseURL,
		Duration: fromMilliseconds(doc.DurationMS),
		Gate:     gate,
		Baseline: doc.Baseline,
		Cleanup:  doc.Cleanup,
		Results:  make([]probes.Result, 0, len(doc.Results)),
	}
	if doc.Started != "" {
		if run.Started, err = time.Parse(time.RFC3339Nano, doc.Started); err != nil {
			return nil, fmt.Errorf("read json report: started: %w", err)
		}
	}
	for i, jr := range doc.Results {
		switch jr.Verdict {
		case probes.Pass, probes.Fail, probes.Error, probes.Skip:
		default:
			return nil, fmt.Errorf("read json report: result %d: unknown verdict %q", i+1, jr.Verdict)
		}
		run.Results = append(run.Results, resultOfJSON(jr))
	}
	if got := run.Counts(); got != doc.Summary {
		return nil, fmt.Errorf("read json report: summary %+v disagrees with the results %+v", doc.Summary, got)
	}
	return run, nil
}

// ReadJSONFile reads the JSON report at path; see ReadJSON.
func ReadJSONFile(path string) (*Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read json report: %w", err)
	}
	defer f.Close()
	run, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return run, nil
}

func resultOfJSON(jr jsonResult) probes.Result {
	r := probes.Result{
		Operation: jr.Operation,
		Probe:     jr.Probe,
		Title:     jr.Title,
		Verdict:   jr.Verdict,
		Severity:  jr.Severity,
		Reason:    jr.Reason,
		Rule:      jr.Rule,
		Fix:       jr.Fix,
		Diffs:     jr.Diffs,
		Duration:  fromMilliseconds(jr.DurationMS),
		Accepted:  jr.Accepted,

		EvidenceOmitted: jr.EvidenceOmitted,
	}
	for _, x := range jr.Evidence {
		r.Evidence = append(r.Evidence, probes.Exchange{
			Label:    x.Label,
			Request:  x.Request,
			Response: x.Response,
			Err:      x.Err,
			Elapsed:  fromMilliseconds(x.ElapsedMS),
		})
	}
	for _, e := range jr.Effects {
		r.Effects = append(r.Effects, e.Effect)
	}
	return r
}

// fromMilliseconds is the inverse of milliseconds, to the microsecond;
// negative, NaN and absurd values become 0.
func fromMilliseconds(ms float64) time.Duration {
	if !(ms > 0) || ms > float64(math.MaxInt64/int64(time.Millisecond)) {
		return 0
	}
	return time.Duration(math.Round(ms*1000)) * time.Microsecond
}
