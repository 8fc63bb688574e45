package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

func TestWriteTerminal(t *testing.T) {
	for _, tt := range []struct {
		name     string
		useColor bool
		golden   string
	}{
		{"plain", false, "report.terminal.txt"},
		{"colour", true, "report.terminal.color.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTerminal(&buf, fixtureRun(), tt.useColor); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, buf.Bytes())
			out := buf.String()
			if hasEsc := strings.Contains(out, "\x1b"); hasEsc != tt.useColor {
				t.Errorf("useColor=%v but output has escape sequences: %v", tt.useColor, hasEsc)
			}
			if !strings.Contains(out, "1 passed, 2 failed, 1 error, 1 skipped; --fail-on major: ") {
				t.Errorf("no total line in:\n%s", out)
			}
		})
	}
}

// TestWriteTerminalNoInjection pins that server-supplied text cannot send
// escape sequences to the terminal, even with colour on.
func TestWriteTerminalNoInjection(t *testing.T) {
	run := &Run{Results: []probes.Result{{
		Probe: "replay", Verdict: probes.Fail,
		Reason: "evil \x1b]0;pwned\x07 \x1b[2J",
		Diffs:  []string{"- \x1b[8mhidden\n+ \x9b31m"},
	}}}
	var buf bytes.Buffer
	if err := WriteTerminal(&buf, run, false); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07\u009b") {
		t.Errorf("terminal output contains control characters: %q", buf.String())
	}
}

func TestWriteTerminalDiffCap(t *testing.T) {
	diff := strings.Repeat("+ line\n", 50)
	run := &Run{Results: []probes.Result{{Probe: "replay", Verdict: probes.Fail, Diffs: []string{diff}}}}
	var buf bytes.Buffer
	if err := WriteTerminal(&buf, run, false); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "+ line"); n != maxTerminalDiffLines {
		t.Errorf("%d diff lines shown, want %d", n, maxTerminalDiffLines)
	}
	if !strings.Contains(buf.String(), "... 30 lines more") {
		t.Errorf("no truncation note in:\n%s", buf.String())
	}
}

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name    string
		w       any
		flag    bool
		noColor string
		term    string
		want    bool
	}{
		{"buffer is not a terminal", &bytes.Buffer{}, false, "", "xterm", false},
		{"regular file is not a terminal", tempFile(t), false, "", "xterm", false},
		{"flag", os.Stdout, true, "", "xterm", false},
		{"NO_COLOR", os.Stdout, false, "1", "xterm", false},
		{"TERM=dumb", os.Stdout, false, "", "dumb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			t.Setenv("TERM", tt.term)
			if got := ColorWanted(tt.w.(interface{ Write([]byte) (int, error) }), tt.flag); got != tt.want {
				t.Errorf("ColorWanted = %v, want %v", got, tt.want)
			}
		})
	}
}

func tempFile(t *testing.T) *os.File {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestWriteTerminalGroupsSkipsAndFiltersFindings pins the two ways the
// terminal stays short: skips that share a reason take one line, and the
// findings-only view leaves out passes, skips and operations with neither.
func TestWriteTerminalGroupsSkipsAndFiltersFindings(t *testing.T) {
	noKey := "the operation declares no idempotency key"
	run := &Run{Results: []probes.Result{
		{Operation: users, Probe: "replay", Verdict: probes.Skip, Reason: noKey},
		{Operation: users, Probe: "concurrent", Verdict: probes.Skip, Reason: noKey},
		{Operation: users, Probe: "natural-put", Verdict: probes.Pass, Reason: "same state"},
		{Operation: users, Probe: "natural-delete", Verdict: probes.Skip, Reason: "not a DELETE"},
		{Operation: payments, Probe: "replay", Verdict: probes.Pass, Reason: "stored result"},
		{Operation: payments, Probe: "concurrent", Verdict: probes.Fail, Severity: probes.Critical, Reason: "two payments"},
	}}
	var all, findings bytes.Buffer
	if err := WriteTerminal(&all, run, false); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(all.String(), noKey); got != 1 {
		t.Errorf("the shared skip reason is written %d times, want once:\n%s", got, all.String())
	}
	if !strings.Contains(all.String(), "SKIP   replay, concurrent") {
		t.Errorf("grouped skip does not name both probes:\n%s", all.String())
	}
	if err := WriteTerminalFindings(&findings, run, false); err != nil {
		t.Fatal(err)
	}
	out := findings.String()
	for _, absent := range []string{"PUT /v1/users/{id}", "PASS", "SKIP"} {
		if strings.Contains(out, absent) {
			t.Errorf("findings-only output contains %q:\n%s", absent, out)
		}
	}
	if !strings.Contains(out, "FAIL   concurrent") || !strings.Contains(out, "2 passed, 1 failed, 0 errors, 3 skipped") {
		t.Errorf("findings-only output lacks the failure or the totals:\n%s", out)
	}
}
