package testtool

import (
	"slices"
	"testing"
)

func TestSummaryCountsSkips(t *testing.T) {
	for range 2 {
		t.Run("needs foo", func(t *testing.T) { Skip(t, "foo not installed (apt-get install foo)") })
	}
	t.Run("needs bar", func(t *testing.T) { Skip(t, "bar not installed") })
	want := []string{
		"SKIP testtool: 1 test skipped: bar not installed",
		"SKIP testtool: 2 tests skipped: foo not installed (apt-get install foo)",
	}
	if got := Summary(); !slices.Equal(got, want) {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
