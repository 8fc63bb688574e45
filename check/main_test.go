package check

import (
	"testing"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// TestMain lets this package's parallel tests, default checks of every
// example, run several at once: each mostly waits on its example server's
// latency, so -parallel's default of GOMAXPROCS leaves a 2-core machine
// idle (about 30 % of one core each under -race).
func TestMain(m *testing.M) {
	testtool.WaitingParallel(6)
	testtool.Main(m)
}
