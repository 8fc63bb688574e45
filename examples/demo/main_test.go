package demo_test

import (
	"testing"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// TestMain lets the checks of the correct examples run four at once: each
// mostly waits on its example server's latency.
func TestMain(m *testing.M) {
	testtool.WaitingParallel(4)
	testtool.Main(m)
}
