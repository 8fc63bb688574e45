package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

// SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF readers.
// One rule per probe that ran, one result per failure, located at the
// operation's declaration in the document. Errors (experiments that could
// not be carried out) are tool execution notifications, not results.

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
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
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
// probe (id, title, the rule it checks and the fix as help, severity as
// level: critical and major "error", minor "warning", info "note"), a
// result per failure at the operation's file and line (the spec file, line
// 1, when the position is unknown) with the reason and the evidence as
// message, and an error notification per experiment that could not be
// carried out. With a baseline applied, accepted failures carry an
// external suppression and baselineState "unchanged", the others "new".
// Every result has the baseline fingerprint as a partial fingerprint, so
// code scanning tracks a finding across runs.
func WriteSARIF(w io.Writer, run *Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifDocument(run)); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

func sarifDocument(run *Run) sarifLog {
	name, version := toolNameVersion(run.Tool)
	sr := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: name, Version: version, InformationURI: "https://github.com/idemcheck/idemcheck", Rules: []sarifRule{}}},
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
	index := map[string]int{}
	for _, r := range run.Results {
		if _, ok := index[r.Probe]; !ok {
			index[r.Probe] = len(sr.Tool.Driver.Rules)
			sr.Tool.Driver.Rules = append(sr.Tool.Driver.Rules, sarifRuleOf(r))
		}
		rule := &sr.Tool.Driver.Rules[index[r.Probe]]
		if rule.Help == nil && (r.Rule != "" || r.Fix != "") { // any result of the probe may carry them
			*rule = sarifRuleOf(r)
		}
	}
	for _, r := range run.Results {
		ref := sarifReference{ID: ruleID(r.Probe), Index: index[r.Probe]}
		switch r.Verdict {
		case probes.Pass, probes.Skip:
		case probes.Fail:
			sr.Results = append(sr.Results, sarifResultOf(run, r, ref))
		default:
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level:      "error",
				Message:    sarifText{Text: sanitizeLine(operationName(r.Operation)) + ": " + resultReason(r)},
				Descriptor: &ref,
				Locations:  []sarifLocation{sarifLocationOf(run, r.Operation)},
			})
		}
	}
	sr.Invocations = []sarifInvocation{inv}
	return sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{sr}}
}

func sarifRuleOf(r probes.Result) sarifRule {
	title := nonEmpty(sanitizeLine(r.Title), ruleID(r.Probe))
	rule := sarifRule{
		ID:                   ruleID(r.Probe),
		ShortDescription:     sarifText{Text: title},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
		Properties:           map[string]any{"severity": r.Severity.String(), "tags": []string{"idempotency"}},
	}
	if rr := sanitizeLine(r.Rule); rr != "" {
		rule.FullDescription = &sarifText{Text: rr}
	}
	var text, md []string
	if rr := sanitizeLine(r.Rule); rr != "" {
		text = append(text, "Rule: "+rr)
		md = append(md, "**Rule:** "+mdText(rr))
	}
	if fix := sanitizeLine(r.Fix); fix != "" {
		text = append(text, "Fix: "+fix)
		md = append(md, "**Fix:** "+mdText(fix))
	}
	if len(text) > 0 {
		rule.Help = &sarifHelp{Text: strings.Join(text, "\n"), Markdown: strings.Join(md, "\n\n")}
	}
	return rule
}

func sarifResultOf(run *Run, r probes.Result, ref sarifReference) sarifResult {
	res := sarifResult{
		RuleID:              ref.ID,
		RuleIndex:           ref.Index,
		Level:               sarifLevel(r.Severity),
		Message:             sarifText{Text: sanitizeLine(operationName(r.Operation)) + ": " + formatDetail(r)},
		Locations:           []sarifLocation{sarifLocationOf(run, r.Operation)},
		PartialFingerprints: map[string]string{sarifFingerprintKey: Fingerprint(r.Operation, r.Probe)},
		Properties:          map[string]any{"severity": r.Severity.String(), "operation": sanitizeLine(operationName(r.Operation))},
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

// toolNameVersion splits "idemcheck 0.1.0" into its name and version.
func toolNameVersion(tool string) (string, string) {
	name, version, _ := strings.Cut(sanitizeLine(tool), " ")
	return nonEmpty(name, "idemcheck"), strings.TrimSpace(version)
}
