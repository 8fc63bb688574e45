package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF readers.
// One rule per probe of the catalogue, one result per failure, located at
// the operation's declaration in the document. Errors (experiments that
// could not be carried out) are tool execution notifications, not results.
// The log passes Microsoft's SARIF Multitool (validate --rule-kind Sarif
// and Gh, the rules GitHub Advanced Security applies) with no error and
// no warning: sarif_multitool_test.go.

// sarifSchemaURI is the schema the log names; the test validates against a
// copy (testdata/sarif-schema-2.1.0.json).
const sarifSchemaURI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

// sarifFingerprintKey names Fingerprint in partialFingerprints.
const sarifFingerprintKey = "idemcheckFinding/v1"

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version,omitempty"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
		InformationURI  string      `json:"informationUri"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		ShortDescription     sarifText          `json:"shortDescription"`
		FullDescription      *sarifText         `json:"fullDescription,omitempty"`
		Help                 *sarifHelp         `json:"help,omitempty"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		Properties           map[string]any     `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		StartTimeUTC        string              `json:"startTimeUtc,omitempty"`
		EndTimeUTC          string              `json:"endTimeUtc,omitempty"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level      string          `json:"level"`
		Message    sarifText       `json:"message"`
		Descriptor *sarifReference `json:"descriptor,omitempty"`
		Locations  []sarifLocation `json:"locations,omitempty"`
	}
	sarifReference struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		BaselineState       string             `json:"baselineState,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	}
)

// WriteSARIF writes the run as a SARIF 2.1.0 log with one run: a rule per
// probe (sarifRules: id, title, the rule it checks as full description,
// the rule and the fix as help, severity as level: critical and major
// "error", minor "warning", info "note"), a
// result per failure at the operation's file and line (the spec file, line
// 1, when the position is unknown) with the reason and the evidence as
// message, and an error notification per experiment that could not be
// carried out. With a baseline applied, accepted failures carry an
// external suppression and baselineState "unchanged", the others "new".
// Every result has the baseline fingerprint as a partial fingerprint, so
// code scanning tracks a finding across runs.
//
// The log stays within what GitHub code scanning accepts and keeps: each
// message is short (the operation and reason, then the first diff, capped)
// and the evidence a summary line per exchange (properties.exchanges); at
// most maxSARIFResults results and maxSARIFBytes bytes, the most severe
// kept. When results are left out, a warning notification and the run's
// property droppedResults say how many; the JSON report has them all.
func WriteSARIF(w io.Writer, run *Run) error {
	doc, err := sarifDocument(run)
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// GitHub code scanning's limits (docs.github.com, "SARIF results exceed
// limit" and "SARIF results file is too large"): it rejects an upload of
// more than 10 MB (gzip-compressed) or 25,000 results per run, and of the
// results it accepts it keeps the 5,000 most severe. The log is kept under
// those figures uncompressed, so it is accepted whether or not the upload
// compresses it, and nothing is dropped silently on GitHub's side.
const (
	maxSARIFResults = 5000
	maxSARIFBytes   = 9 << 20 // of results; the rules and notifications take the rest of 10 MB
	maxSARIFNotes   = 1000    // error notifications, one per experiment not carried out
	maxSARIFDiff    = 1 << 10 // of the diff in a message
	maxSARIFLines   = 12      // lines of that diff
	maxSARIFXchg    = 8       // exchanges summarized per result
)

func sarifDocument(run *Run) (sarifLog, error) {
	name, version := toolNameVersion(run.Tool)
	rules, index := sarifRules(run.Results)
	driver := sarifDriver{Name: name, Version: version, InformationURI: "https://github.com/idemcheck/idemcheck", Rules: rules}
	if semverRE.MatchString(version) {
		driver.SemanticVersion = version
	}
	sr := sarifRun{
		Tool:    sarifTool{Driver: driver},
		Results: []sarifResult{},
		Properties: map[string]any{
			"failOn":     run.Gate.String(),
			"gateFailed": run.Outcome().GateFailed(),
			"summary":    run.Counts(),
		},
	}
	if s := sanitizeLine(run.Spec); s != "" {
		sr.Properties["spec"] = s
	}
	if u := sanitizeLine(run.displayBaseURL()); u != "" {
		sr.Properties["baseUrl"] = u
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	if !run.Started.IsZero() {
		inv.StartTimeUTC = run.Started.UTC().Format(time.RFC3339Nano)
		inv.EndTimeUTC = run.Started.Add(max(0, run.Duration)).UTC().Format(time.RFC3339Nano)
	}
	shown := newShown(run)
	var candidates []sarifCandidate
	notes := 0
	for i, r := range run.Results {
		ref := sarifReference{ID: ruleID(r.Probe), Index: index[r.Probe]}
		switch r.Verdict {
		case probes.Pass, probes.Skip:
		case probes.Fail:
			full, err := shown.result(i)
			if err != nil {
				return sarifLog{}, err
			}
			res := sarifResultOf(run, full, ref)
			b, err := json.Marshal(res)
			if err != nil {
				return sarifLog{}, err
			}
			candidates = append(candidates, sarifCandidate{res: res, severity: r.Severity, accepted: r.Accepted, size: len(b)})
		default:
			if notes++; notes > maxSARIFNotes {
				continue
			}
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level:      "error",
				Message:    sarifText{Text: sanitizeLine(operationName(r.Operation)) + ": " + resultReason(r)},
				Descriptor: &ref,
				Locations:  []sarifLocation{sarifLocationOf(run, r.Operation)},
			})
		}
	}
	if notes > maxSARIFNotes {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning", Message: sarifText{
			Text: fmt.Sprintf("%d more experiments could not be carried out; the JSON report lists them all", notes-maxSARIFNotes)}})
	}
	kept, dropped := keepSARIF(candidates)
	sr.Results = kept
	if dropped > 0 {
		sr.Properties["droppedResults"] = dropped
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning", Message: sarifText{
			Text: fmt.Sprintf("%d of %d results left out, the least severe first: GitHub code scanning accepts at most %d results and 10 MB per upload; the JSON report has them all", dropped, len(candidates), maxSARIFResults)}})
	}
	sr.Invocations = []sarifInvocation{inv}
	return sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{sr}}, nil
}

// sarifCandidate is a result that may go in the log.
type sarifCandidate struct {
	res      sarifResult
	severity probes.Severity
	accepted bool
	size     int // of its JSON
}

// keepSARIF keeps, in their order, the results that fit in the limits,
// the most severe first and those a baseline accepts last, and counts the
// others.
func keepSARIF(c []sarifCandidate) ([]sarifResult, int) {
	order := make([]int, len(c))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c[a].accepted != c[b].accepted {
			if c[a].accepted {
				return 1
			}
			return -1
		}
		return cmp.Compare(c[b].severity, c[a].severity)
	})
	keep := make([]bool, len(c))
	n, size := 0, 0
	for _, i := range order {
		if n < maxSARIFResults && size+c[i].size <= maxSARIFBytes {
			keep[i] = true
			n++
			size += c[i].size
		}
	}
	out := make([]sarifResult, 0, n)
	for i, k := range keep {
		if k {
			out = append(out, c[i].res)
		}
	}
	return out, len(c) - n
}

// sarifRules declares one rule per probe of the catalogue (probes.All), in
// its order, then one per other probe the results name (a report merged
// from another version), in the order they first appear; index maps a
// probe id to its rule. A rule's id, title and level are the catalogue's.
// Its rule and fix are worded as the run's results word them, which is as
// the run's profile words them (probes.Meta), and where no result carries
// them as the default profile words them: so every rule has help and a
// full description, also one that no result carries (error-replay on an
// ordinary run), as GitHub Advanced Security requires.
func sarifRules(results []probes.Result) (rules []sarifRule, index map[string]int) {
	first := map[string]probes.Result{} // the first result of each probe
	var order []string
	for _, r := range results {
		f, ok := first[r.Probe]
		if !ok {
			order = append(order, r.Probe)
			f = r
		}
		if f.Rule == "" && f.Fix == "" { // any result of the probe may carry them
			f.Rule, f.Fix = r.Rule, r.Fix
		}
		first[r.Probe] = f
	}
	index = map[string]int{}
	add := func(m probes.Meta) {
		if r, ok := first[m.ID]; ok && (r.Rule != "" || r.Fix != "") {
			m.Rule, m.Fix = r.Rule, r.Fix
		}
		index[m.ID] = len(rules)
		rules = append(rules, sarifRuleOf(m))
	}
	for _, p := range probes.All() {
		add(p.Meta(nil))
	}
	for _, id := range order {
		if _, ok := index[id]; !ok {
			r := first[id]
			add(probes.Meta{ID: id, Title: r.Title, Severity: r.Severity})
		}
	}
	return rules, index
}

// sarifRuleOf is the rule of a probe. A probe with no rule or fix (one
// the catalogue does not know) is described by its title.
func sarifRuleOf(m probes.Meta) sarifRule {
	title := nonEmpty(sanitizeLine(m.Title), ruleID(m.ID))
	rule := sarifRule{
		ID:                   ruleID(m.ID),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      &sarifText{Text: nonEmpty(sanitizeLine(m.Rule), title)},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(m.Severity)},
		Properties:           map[string]any{"severity": m.Severity.String(), "tags": []string{"idempotency"}},
	}
	var text, md []string
	if rr := sanitizeLine(m.Rule); rr != "" {
		text = append(text, "Rule: "+rr)
		md = append(md, "**Rule:** "+mdText(rr))
	}
	if fix := sanitizeLine(m.Fix); fix != "" {
		text = append(text, "Fix: "+fix)
		md = append(md, "**Fix:** "+mdText(fix))
	}
	if len(text) == 0 {
		text, md = []string{title}, []string{mdText(title)}
	}
	rule.Help = &sarifHelp{Text: strings.Join(text, "\n"), Markdown: strings.Join(md, "\n\n")}
	return rule
}

func sarifResultOf(run *Run, r probes.Result, ref sarifReference) sarifResult {
	res := sarifResult{
		RuleID:              ref.ID,
		RuleIndex:           ref.Index,
		Level:               sarifLevel(r.Severity),
		Message:             sarifText{Text: sarifMessage(r)},
		Locations:           []sarifLocation{sarifLocationOf(run, r.Operation)},
		PartialFingerprints: map[string]string{sarifFingerprintKey: Fingerprint(r.Operation, r.Probe)},
		Properties:          map[string]any{"severity": r.Severity.String(), "operation": sanitizeLine(operationName(r.Operation))},
	}
	if x := sarifExchanges(r); len(x) > 0 {
		res.Properties["exchanges"] = x
	}
	if run.Baseline != nil {
		res.BaselineState = "new"
	}
	if r.Accepted {
		res.BaselineState = "unchanged"
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: "accepted in the idemcheck baseline"}}
	}
	return res
}

// sarifMessage is a result's message: "METHOD /path: reason", then its
// first diff, capped.
func sarifMessage(r probes.Result) string {
	msg := sanitizeLine(operationName(r.Operation)) + ": " + resultReason(r)
	if len(r.Diffs) > 0 {
		lines := strings.Split(strings.TrimRight(sanitizeText(r.Diffs[0]), "\n"), "\n")
		if len(lines) > maxSARIFLines {
			lines = append(lines[:maxSARIFLines], "…")
		}
		msg += "\n\n" + truncateEnd(strings.Join(lines, "\n"), maxSARIFDiff)
	}
	return msg
}

// sarifExchanges summarizes the exchanges a result rests on, one line each:
// "retry 1: POST http://…/v1/payments → 201".
func sarifExchanges(r probes.Result) []string {
	var out []string
	for i, x := range r.Evidence {
		if i == maxSARIFXchg {
			out = append(out, fmt.Sprintf("… and %d more", len(r.Evidence)-i))
			break
		}
		line := sanitizeLine(x.Request.Method) + " " + truncateEnd(sanitizeLine(x.Request.URL), 256) + " → "
		if x.Response != nil {
			line += strconv.Itoa(x.Response.Status)
		} else {
			line += "no response (" + truncateEnd(sanitizeLine(x.Err), 200) + ")"
		}
		out = append(out, nonEmpty(sanitizeLine(x.Label), "exchange "+strconv.Itoa(i+1))+": "+line)
	}
	if r.EvidenceOmitted > 0 {
		out = append(out, plural(r.EvidenceOmitted, "more exchange")+" in the JSON report (--evidence full)")
	}
	return out
}

// sarifLocationOf is where op is declared: its file and line, or the spec
// file (line 1) when its position is unknown, or only its logical name
// when the spec is a URL.
func sarifLocationOf(run *Run, op probes.OperationRef) sarifLocation {
	loc := sarifLocation{LogicalLocations: []sarifLogical{{
		Name: sanitizeLine(operationName(op)), FullyQualifiedName: sanitizeLine(operationID(op)), Kind: "function",
	}}}
	file, line := op.File, op.Line
	if file == "" {
		file, line = localSpec(run.Spec), 1
	}
	if file == "" {
		return loc
	}
	loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifactOf(file)}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	return loc
}

// sarifArtifactOf is file as a URI: relative paths relative to the source
// root (%SRCROOT%, the checkout code scanning resolves them in), absolute
// ones as file URIs.
func sarifArtifactOf(file string) sarifArtifact {
	slashed := filepath.ToSlash(sanitizeLine(file))
	if filepath.IsAbs(file) || path.IsAbs(slashed) {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // a Windows drive letter
		}
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: slashed}).String()}
	}
	slashed = strings.TrimPrefix(path.Clean(slashed), "./")
	return sarifArtifact{URI: (&url.URL{Path: slashed}).String(), URIBaseID: "%SRCROOT%"}
}

// localSpec is the spec as a file path, "" when it is a URL or empty.
func localSpec(spec string) string {
	if spec == "" || strings.Contains(spec, "://") {
		return ""
	}
	return spec
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s probes.Severity) string {
	switch {
	case s >= probes.Major:
		return "error"
	case s == probes.Minor:
		return "warning"
	default:
		return "note"
	}
}

// ruleID is the probe id, never empty.
func ruleID(probe string) string { return nonEmpty(sanitizeLine(probe), "unnamed-probe") }

// toolNameVersion splits "idemcheck 0.1.0" into its name and version. A
// Go module version's "v" is dropped ("v1.2.0" is 1.2.0): SARIF readers
// compare versions that start with a number.
func toolNameVersion(tool string) (string, string) {
	name, version, _ := strings.Cut(sanitizeLine(tool), " ")
	version = strings.TrimSpace(version)
	if v, ok := strings.CutPrefix(version, "v"); ok && semverRE.MatchString(v) {
		version = v
	}
	return nonEmpty(name, "idemcheck"), version
}

// semverRE matches a Semantic Versioning 2.0.0 version (semver.org's
// regular expression), such as a development build's 0.0.0-dev+1a2b3c4.
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
