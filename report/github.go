package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/idemcheck/idemcheck/probes"
)

// GitHub Actions reads workflow commands from a step's output
// ("::error file=…,line=…,title=…::message") and shows them as annotations
// on the run and on the pull request's diff, and renders the Markdown a
// step appends to the file named by GITHUB_STEP_SUMMARY on the run's page.

// maxStepSummary caps what one run appends to the step summary: GitHub
// refuses a step summary over 1 MiB.
const maxStepSummary = 1000 << 10

// maxAnnotationMessage caps one annotation's message (before escaping);
// GitHub shows only a few lines of it anyway.
const maxAnnotationMessage = 4 << 10

// GitHubActions does what the environment asks for: when getenv
// ("GITHUB_ACTIONS") is "true" it writes an annotation per finding to w
// (WriteGitHubAnnotations, with absolute paths inside GITHUB_WORKSPACE
// made relative to it, as GitHub wants them); when GITHUB_STEP_SUMMARY names a file it
// appends the Markdown report to it (AppendGitHubSummary). Pass os.Getenv.
func GitHubActions(getenv func(string) string, w io.Writer, run *Run) error {
	if getenv("GITHUB_ACTIONS") == "true" {
		if err := writeAnnotations(w, run, getenv("GITHUB_WORKSPACE")); err != nil {
			return err
		}
	}
	if p := getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := AppendGitHubSummary(p, run); err != nil {
			return err
		}
	}
	return nil
}

// WriteGitHubAnnotations writes one workflow command per finding, at the
// operation's file and line (the spec file when the position is unknown):
// "::error" for a failure at or above the run's gate, "::warning" for one
// below it, "::notice" for a failure a baseline accepts; an experiment that
// could not be carried out is an "::error" at or above the gate (it keeps
// the gate from passing) and a "::warning" below. The title names the
// probe and severity, the message the operation, the reason and the fix.
// Values are escaped as GitHub's toolkit does: %, CR and LF everywhere,
// and ":" and "," in properties.
func WriteGitHubAnnotations(w io.Writer, run *Run) error { return writeAnnotations(w, run, "") }

func writeAnnotations(w io.Writer, run *Run, workspace string) error {
	ew := &errWriter{w: w}
	for _, r := range run.Results {
		level, title := annotationLevel(r, run.Gate)
		if level == "" {
			continue
		}
		var props []string
		if file, line := annotationPosition(run, r.Operation, workspace); file != "" {
			props = append(props, "file="+escapeProperty(file))
			if line > 0 {
				props = append(props, "line="+strconv.Itoa(line))
			}
		}
		props = append(props, "title="+escapeProperty(testName(r)+" ("+title+")"))
		ew.printf("::%s %s::%s\n", level, strings.Join(props, ","), escapeData(annotationMessage(r)))
	}
	if ew.err != nil {
		return fmt.Errorf("write github annotations: %w", ew.err)
	}
	return nil
}

// annotationLevel is the command of r's annotation and what its title
// says in parentheses; "" for a pass or skip.
func annotationLevel(r probes.Result, gate probes.Severity) (level, title string) {
	switch r.Verdict {
	case probes.Pass, probes.Skip:
		return "", ""
	case probes.Fail:
		switch {
		case r.Accepted:
			return "notice", r.Severity.String() + ", accepted in the baseline"
		case r.Severity >= gate:
			return "error", r.Severity.String()
		default:
			return "warning", r.Severity.String() + ", below --fail-on " + gate.String()
		}
	default:
		if r.Severity >= gate {
			return "error", "not carried out"
		}
		return "warning", "not carried out"
	}
}

// annotationMessage is "METHOD /path: reason", then the fix.
func annotationMessage(r probes.Result) string {
	msg := sanitizeLine(operationName(r.Operation)) + ": " + resultReason(r)
	if r.Accepted {
		msg += "\n(accepted in the baseline: it does not fail the gate)"
	}
	if fix := sanitizeLine(r.Fix); fix != "" && r.Verdict == probes.Fail {
		msg += "\nFix: " + fix
	}
	return truncateEnd(msg, maxAnnotationMessage)
}

// annotationPosition is where an annotation points: the operation's file
// and line, else the spec file (no line), else nowhere. Paths are relative
// with / separators, as GitHub resolves them in the checkout; an absolute
// path inside workspace is made relative to it.
func annotationPosition(run *Run, op probes.OperationRef, workspace string) (string, int) {
	file, line := op.File, max(0, op.Line)
	if file == "" {
		file, line = localSpec(run.Spec), 0
	}
	if file == "" {
		return "", 0
	}
	if workspace != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(workspace, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			file = rel
		}
	}
	slashed := filepath.ToSlash(sanitizeLine(file))
	if !path.IsAbs(slashed) {
		slashed = strings.TrimPrefix(path.Clean(slashed), "./")
	}
	return slashed, line
}

// escapeData escapes a workflow command's message.
var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a workflow command's property value.
var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// AppendGitHubSummary appends the Markdown report (WriteMarkdown) to the
// file at path, GitHub's step summary, creating it if needed. It stays
// under GitHub's 1 MiB limit: a large run's report keeps its summary
// table and grouped findings and leaves out the sections of the findings
// that do not fit, saying so; any other report over the limit is cut at a
// line, with a note.
func AppendGitHubSummary(path string, run *Run) error {
	var buf bytes.Buffer
	if err := writeMarkdown(&buf, run, maxStepSummary); err != nil {
		return err
	}
	md := buf.Bytes()
	if len(md) > maxStepSummary {
		cut := bytes.LastIndexByte(md[:maxStepSummary], '\n') + 1
		md = append(md[:cut:cut], "\n\n_The report was cut here: GitHub limits a step summary to 1 MiB. The full report is in the Markdown and HTML reports._\n"...)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("append github step summary: %w", err)
	}
	if _, err := f.Write(md); err != nil {
		f.Close()
		return fmt.Errorf("append github step summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append github step summary %s: %w", path, err)
	}
	return nil
}
