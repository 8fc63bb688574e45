package cmd

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// mainArgsEnv, when set to a JSON array of arguments, makes the test binary
// run Main with them instead of the tests: tests that need the process as
// a user runs it (its stderr, its global state) run it as a subprocess.
const mainArgsEnv = "IDEMCHECK_TEST_MAIN_ARGS"

// TestMain runs Main for a subprocess (mainArgsEnv), else the tests,
// reporting those that skipped for a missing program (xmllint, Chromium)
// in the default go test output, not only under -v.
func TestMain(m *testing.M) {
	if args := os.Getenv(mainArgsEnv); args != "" {
		var list []string
		if err := json.Unmarshal([]byte(args), &list); err != nil {
			os.Stderr.WriteString("bad " + mainArgsEnv + ": " + err.Error() + "\n")
			os.Exit(3)
		}
		os.Args = append([]string{"idemcheck"}, list...)
		os.Exit(int(Main()))
	}
	testtool.WaitingParallel(4) // the parallel tests are checks waiting on servers
	testtool.Main(m)
}
