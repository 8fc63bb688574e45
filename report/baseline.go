package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// A baseline is the list of findings a team has accepted for now: a run
// with a baseline applied still shows them (as accepted) but does not fail
// its gate on them, and lists the accepted findings that no longer occur
// as fixed, so the baseline can shrink.

// BaselineSchemaVersion is the version of the baseline file's shape and of
// its fingerprints; a baseline of another version is refused as stale.
const BaselineSchemaVersion = 1

// ErrBaseline is wrapped by every error about a baseline file that cannot
// be used: malformed, of another version, or with edited fingerprints.
var ErrBaseline = errors.New("unusable baseline")

// Baseline is a baseline file: the accepted findings.
type Baseline struct {
	SchemaVersion int    `json:"schema_version"`
	Tool          string `json:"tool,omitempty"` // the idemcheck that wrote it
	Spec          string `json:"spec,omitempty"` // the document of the run it came from
	// Findings are sorted by operation, then probe.
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding: a probe failing on an operation.
type BaselineEntry struct {
	// Fingerprint identifies the finding across runs; see Fingerprint.
	Fingerprint string `json:"fingerprint"`
	// Operation is the operation, without its position in the document
	// (which moves with every edit and is not part of the finding).
	Operation probes.OperationRef `json:"operation"`
	Probe     string              `json:"probe"`
	Severity  probes.Severity     `json:"severity"`
	// Reason is the failure's reason when the baseline was written, for
	// people; it is not compared.
	Reason string `json:"reason,omitempty"`
}

// BaselineUse records that a baseline was applied to a run.
type BaselineUse struct {
	File string `json:"file"`
	// Fixed are the baseline's entries whose probe passed on their
	// operation in this run: the defect is gone, the entry can go too.
	// Entries whose probe did not run, or ended in an error or a skip, are
	// neither accepted nor fixed.
	Fixed []BaselineEntry `json:"fixed"`
}

// paramName matches a path template parameter such as "{id}".
var paramName = regexp.MustCompile(`\{[^{}/]*\}`)

// Fingerprint identifies a finding across runs: a hash of the probe id and
// the operation's method and path template, with path parameter names left
// out (renaming {id} to {paymentId} is not a new finding); the operation
// ID when there is no method and path. Nothing a run happens to see goes
// in: no resource ids, keys, canaries, ports, timings, counts or reasons.
// A concurrency defect shows in a different number of rounds, with other
// counts, from run to run; a fingerprint over those would flap.
func Fingerprint(op probes.OperationRef, probe string) string {
	var where string
	if op.Method != "" || op.Path != "" {
		path := strings.TrimRight(paramName.ReplaceAllString(op.Path, "{}"), "/")
		where = strings.ToUpper(op.Method) + " " + path
	} else {
		where = "id " + op.ID
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("idemcheck-finding/v%d\x00%s\x00%s", BaselineSchemaVersion, probe, where)))
	return hex.EncodeToString(sum[:16])
}

// NewBaseline accepts every failure of run (accepted ones included),
// one entry per fingerprint, sorted.
func NewBaseline(run *Run) *Baseline {
	b := &Baseline{SchemaVersion: BaselineSchemaVersion, Tool: run.Tool, Spec: run.Spec, Findings: []BaselineEntry{}}
	seen := make(map[string]bool)
	for _, r := range run.Results {
		if r.Verdict != probes.Fail {
			continue
		}
		fp := Fingerprint(r.Operation, r.Probe)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		op := r.Operation
		op.File, op.Line = "", 0
		b.Findings = append(b.Findings, BaselineEntry{
			Fingerprint: fp, Operation: op, Probe: r.Probe, Severity: r.Severity, Reason: sanitizeLine(r.Reason),
		})
	}
	slices.SortFunc(b.Findings, compareEntries)
	return b
}

// compareEntries orders baseline entries by operation, then probe.
func compareEntries(x, y BaselineEntry) int {
	return cmp.Or(cmp.Compare(x.Operation.Path, y.Operation.Path), cmp.Compare(x.Operation.Method, y.Operation.Method),
		cmp.Compare(x.Operation.ID, y.Operation.ID), cmp.Compare(x.Probe, y.Probe))
}

// WriteBaseline writes b as indented JSON.
func WriteBaseline(w io.Writer, b *Baseline) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

// ReadBaseline reads a baseline file and checks it: JSON of this
// schema_version, every entry with a probe, an operation and the
// fingerprint they give. Every error is one line wrapping ErrBaseline.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: not a baseline file: %v", ErrBaseline, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: not a baseline file: data after the JSON document", ErrBaseline)
	}
	if b.SchemaVersion != BaselineSchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %d, this idemcheck reads %d: write it again with idemcheck baseline", ErrBaseline, b.SchemaVersion, BaselineSchemaVersion)
	}
	for i, e := range b.Findings {
		switch {
		case e.Probe == "":
			return nil, fmt.Errorf("%w: finding %d has no probe", ErrBaseline, i+1)
		case e.Operation.ID == "" && e.Operation.Method == "" && e.Operation.Path == "":
			return nil, fmt.Errorf("%w: finding %d (%s) has no operation", ErrBaseline, i+1, e.Probe)
		case e.Fingerprint != Fingerprint(e.Operation, e.Probe):
			return nil, fmt.Errorf("%w: finding %d (%s on %s) has fingerprint %q, want %q: write it again with idemcheck baseline",
				ErrBaseline, i+1, e.Probe, operationName(e.Operation), e.Fingerprint, Fingerprint(e.Operation, e.Probe))
		}
	}
	return &b, nil
}

// LoadBaseline reads the baseline file at path; see ReadBaseline.
func LoadBaseline(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	b, err := ReadBaseline(f)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// ApplyBaseline marks the failures of run that b accepts as Accepted (they
// stay failures in every report, but no longer fail the gate) and records
// in run.Baseline, under the name file, the entries whose probe now passes
// on their operation: fixed.
func ApplyBaseline(run *Run, b *Baseline, file string) {
	accepted := make(map[string]bool, len(b.Findings))
	for _, e := range b.Findings {
		accepted[e.Fingerprint] = true
	}
	failing, passing := map[string]bool{}, map[string]bool{}
	for i := range run.Results {
		r := &run.Results[i]
		fp := Fingerprint(r.Operation, r.Probe)
		r.Accepted = r.Verdict == probes.Fail && accepted[fp]
		switch r.Verdict {
		case probes.Fail:
			failing[fp] = true
		case probes.Pass:
			passing[fp] = true
		}
	}
	use := &BaselineUse{File: file, Fixed: []BaselineEntry{}}
	for _, e := range b.Findings {
		if passing[e.Fingerprint] && !failing[e.Fingerprint] {
			use.Fixed = append(use.Fixed, e)
		}
	}
	run.Baseline = use
}

// WriteBaselineFile writes the failures of the JSON report at from as a
// baseline to out ("-" is stdout) and returns how many it accepted.
func WriteBaselineFile(from, out string, stdout io.Writer) (int, error) {
	run, err := ReadJSONFile(from)
	if err != nil {
		return 0, err
	}
	b := NewBaseline(run)
	w, err := Create(out, stdout)
	if err != nil {
		return 0, fmt.Errorf("write baseline: %w", err)
	}
	if err := WriteBaseline(w, b); err != nil {
		w.Close()
		return 0, fmt.Errorf("write baseline %s: %w", out, err)
	}
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("write baseline %s: %w", out, err)
	}
	return len(b.Findings), nil
}
