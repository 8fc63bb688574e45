package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-runs", "0"}, {"-windows", "soon"}, {"-modes", "fast"}, {"-holds", "spin"}, {"-process-delay", "soon"}, {"-quick-copies", "11"}, {"-race-budget", "never"}, {"-cost-runs", "0"}, {"extra"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and an error line", args, code, errs.String())
		}
	}
}

// TestOneRunPerCell runs the benchmark's smallest table: a 2ms race is
// caught by the synchronized releases in one default run.
func TestOneRunPerCell(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-runs", "1", "-windows", "2ms", "-modes", "last-byte,h2", "-holds", "park"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if strings.Count(out.String(), "1/1 (100%)") != 2 {
		t.Errorf("table does not show the race caught in both modes:\n%s", out.String())
	}
}

// TestProcessDelayAndCost: with a handler that works 10ms after the
// window, a 2ms parked race is still caught in a default run, and the cost
// table shows the quick rounds a correct server got and their time.
func TestProcessDelayAndCost(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-runs", "1", "-windows", "2ms", "-modes", "last-byte", "-holds", "park", "-process-delay", "10ms", "-cost-runs", "1"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{"10ms", "1/1 (100%)", "cost per operation on the correct server", "rounds, "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
