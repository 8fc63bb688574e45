package report

import (
	"testing"

	"github.com/idemcheck/idemcheck/internal/testtool"
)

// TestMain reports the tests that skipped for a missing program (xmllint,
// Chromium) in the default go test output, not only under -v.
func TestMain(m *testing.M) { testtool.Main(m) }
