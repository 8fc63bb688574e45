// Package testtool lets a test that needs an external program (xmllint,
// Chromium) skip where the program is missing, and still say so in the
// default output of `go test ./...`.
//
// In package-list mode `go test` prints only "ok pkg 1.2s" for a passing
// package and drops everything its test binary wrote, t.Skip's reason
// included; only -v shows it. So Main, run from the package's TestMain,
// writes one line per missing tool to where `go test` itself prints: its
// standard output when that is a terminal or a pipe (Linux: the parent's
// /proc/PID/fd/1), else the controlling terminal. Nothing is written under
// -v or -json (the skip lines are in that output already), nor into a
// regular file (go test's own writes would overwrite it), nor for a
// result go test takes from its cache.
package testtool

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	mu      sync.Mutex
	missing = map[string]int{} // skip reason → tests skipped for it
)

// Skip skips t because a program is missing; reason names it and how to
// install it ("xmllint not installed (apt-get install libxml2-utils)").
// Main reports the skips of the package.
func Skip(t testing.TB, reason string) {
	t.Helper()
	mu.Lock()
	missing[reason]++
	mu.Unlock()
	t.Skip(reason)
}

// Main runs the tests and exits, for TestMain: func TestMain(m
// *testing.M) { testtool.Main(m) }. When tests skipped for a missing
// program, it says so where `go test` prints (see the package comment).
func Main(m *testing.M) {
	code := m.Run()
	if lines := Summary(); len(lines) > 0 && !testing.Verbose() {
		notify(lines)
	}
	os.Exit(code)
}

// Summary is one line per missing program: which package's tests skipped
// how many tests, and why; sorted.
func Summary() []string {
	mu.Lock()
	defer mu.Unlock()
	pkg := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
	var lines []string
	for reason, n := range missing {
		tests := "tests"
		if n == 1 {
			tests = "test"
		}
		lines = append(lines, fmt.Sprintf("SKIP %s: %d %s skipped: %s", pkg, n, tests, reason))
	}
	sort.Strings(lines)
	return lines
}

// notify writes lines to go test's terminal or pipe, if one can be found.
func notify(lines []string) {
	f := goTestOutput()
	if f == nil {
		return
	}
	defer f.Close()
	fmt.Fprint(f, strings.Join(lines, "\n")+"\n") // one write: a pipe keeps it whole
}

// goTestOutput opens the parent process's standard output when it is a
// terminal, a pipe or a socket, else the controlling terminal; nil when
// there is neither.
func goTestOutput() *os.File {
	path := "/proc/" + strconv.Itoa(os.Getppid()) + "/fd/1"
	if fi, err := os.Stat(path); err == nil && fi.Mode()&(os.ModeCharDevice|os.ModeNamedPipe|os.ModeSocket) != 0 {
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err == nil {
			return f
		}
	}
	if f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		return f
	}
	return nil
}
