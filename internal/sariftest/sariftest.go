// Package sariftest checks SARIF logs in tests with Microsoft's SARIF
// Multitool (npm @microsoft/sarif-multitool): its validation rules for
// SARIF (SARIF1xxx errors, SARIF2xxx advice) and for GitHub (GHxxxx, what
// GitHub Advanced Security requires of an upload, such as GH2012: every
// rule has help and a full description).
//
// The tool is found through $IDEMCHECK_SARIF_MULTITOOL, else as
// sarif-multitool on PATH; .ci/run installs it. Where it is missing the
// check skips, and says so in the default go test output when the
// package's TestMain is testtool.Main.
package sariftest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// EnvVar names the multitool's path, for a tool that is not on PATH.
const EnvVar = "IDEMCHECK_SARIF_MULTITOOL"

// install is how to get the tool, for the skip message.
const install = "sarif-multitool not installed (npm install @microsoft/sarif-multitool@5.7.0, then put it on PATH or set " + EnvVar + "; .ci/run does)"

// Tool returns the multitool's path, or "" when it is not installed.
func Tool() string {
	if p := os.Getenv(EnvVar); p != "" {
		return p
	}
	p, _ := exec.LookPath("sarif-multitool")
	return p
}

// Validate runs `sarif-multitool validate --rule-kind Gh Sarif` on data
// and fails t with each finding at level error or warning (notes are
// advice for tools that have more to say, such as source snippets). It
// skips when the tool is not installed.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	for _, f := range Findings(t, data) {
		t.Errorf("sarif-multitool: %s", f)
	}
}

// Findings runs the validation and returns its errors and warnings, one
// line each ("GH2012 error at line 166: runs[0].tool.driver.rules[7]: This
// 'reportingDescriptor' object does not provide a 'help' object. …"); for tests that pin what the
// tool rejects. It skips when the tool is not installed.
func Findings(t testing.TB, data []byte) []string {
	t.Helper()
	tool := Tool()
	if tool == "" {
		testtool.Skip(t, install)
	}
	// The npm wrapper hands its arguments to a shell: only plain names, in
	// a folder of their own.
	dir, err := os.MkdirTemp("", "sariftest")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "log.sarif"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "validate", "log.sarif", "--output", "findings.sarif", "--log", "ForceOverwrite", "--rule-kind", "Gh", "Sarif")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s validate: %v\n%s", tool, err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "findings.sarif"))
	if err != nil {
		t.Fatalf("%s validate wrote no findings (%v):\n%s", tool, err, out)
	}
	findings, err := Parse(raw)
	if err != nil {
		t.Fatalf("read %s's findings: %v\n%s", tool, err, out)
	}
	return findings
}

// log is what Findings reads of the multitool's own SARIF log.
type log struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string `json:"id"`
					DefaultConfiguration *struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					MessageStrings map[string]struct {
						Text string `json:"text"`
					} `json:"messageStrings"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string  `json:"ruleId"`
			RuleIndex *int    `json:"ruleIndex"`
			Level     string  `json:"level"`
			Kind      string  `json:"kind"`
			Message   message `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool           `json:"executionSuccessful"`
			Execution           []notification `json:"toolExecutionNotifications"`
			Configuration       []notification `json:"toolConfigurationNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

type message struct {
	Text      string   `json:"text"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

type notification struct {
	Level   string  `json:"level"`
	Message message `json:"message"`
}

// Parse reads the multitool's SARIF log of a validation and returns its
// errors and warnings: results whose level (their own, else their rule's
// default, else SARIF's default "warning") is error or warning, and the
// tool's own error and warning notifications (a log it could not read).
func Parse(raw []byte) ([]string, error) {
	var l log
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, err
	}
	if len(l.Runs) == 0 {
		return nil, fmt.Errorf("no run in the multitool's log")
	}
	var out []string
	for _, run := range l.Runs {
		rules := run.Tool.Driver.Rules
		for _, r := range run.Results {
			if r.Kind != "" && r.Kind != "fail" {
				continue
			}
			level, text := r.Level, r.Message.Text
			if r.RuleIndex != nil && *r.RuleIndex >= 0 && *r.RuleIndex < len(rules) {
				rule := rules[*r.RuleIndex]
				if level == "" && rule.DefaultConfiguration != nil {
					level = rule.DefaultConfiguration.Level
				}
				if text == "" {
					text = format(rule.MessageStrings[r.Message.ID].Text, r.Message.Arguments)
				}
			}
			if level == "" {
				level = "warning"
			}
			if text == "" {
				text = r.Message.ID + " " + strings.Join(r.Message.Arguments, ", ")
			}
			where := ""
			if len(r.Locations) > 0 && r.Locations[0].PhysicalLocation.Region.StartLine > 0 {
				where = fmt.Sprintf(" at line %d", r.Locations[0].PhysicalLocation.Region.StartLine)
			}
			if level == "error" || level == "warning" {
				out = append(out, r.RuleID+" "+level+where+": "+text)
			}
		}
		for _, inv := range run.Invocations {
			for _, n := range append(inv.Execution, inv.Configuration...) {
				if n.Level == "" || n.Level == "error" || n.Level == "warning" {
					out = append(out, "tool notification: "+n.Message.Text)
				}
			}
			if !inv.ExecutionSuccessful {
				out = append(out, "the validation did not run to its end")
			}
		}
	}
	return out, nil
}

// format fills a message string's {0}, {1}, … with args.
func format(s string, args []string) string {
	if s == "" {
		return ""
	}
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", a)
	}
	return s
}
