package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-runs", "0"}, {"-windows", "soon"}, {"-modes", "fast"}, {"-holds", "spin"}, {"extra"}} {
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
