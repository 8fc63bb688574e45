package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-collections", "0"}, {"-collections", "many"}, {"-apis", "perfect"}, {"extra"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and an error line", args, code, errs.String())
		}
	}
}

// TestSmallTable builds idemcheck and checks the two smallest APIs: the
// one without idempotency fails, and every report's size is measured.
func TestSmallTable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds idemcheck and runs two checks")
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-collections", "1"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs.String(), out.String())
	}
	for _, want := range []string{"| none | 1 |", "| correct |", "json     ≤ 10.0 MB", "none: ", " failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
