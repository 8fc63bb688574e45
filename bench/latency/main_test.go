package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-n", "1"}, {"-n", "many"}, {"-latency", "soon"}, {"-latency", "-1ms"}, {"-parallel", "0"}, {"extra"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and an error line", args, code, errs.String())
		}
	}
}

// TestSmallTable runs the smallest table: a correct API passes every probe
// that applies, and the row shows the measured figures.
func TestSmallTable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a calibration at 20ms per request")
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-n", "2", "-latency", "0"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs.String(), out.String())
	}
	for _, want := range []string{"D = ", "| 2   | 0s  |", "pass"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "fail") || strings.Contains(out.String(), "error") {
		t.Errorf("a correct API got findings:\n%s", out.String())
	}
}
