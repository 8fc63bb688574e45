package ablate

import (
	"fmt"
	"os"
	"testing"
)

// TestSetSwitchesOffForTheTestOnly: a switch is off inside the test that
// set it and on again after; every part has a name and an issue part.
func TestSetSwitchesOffForTheTestOnly(t *testing.T) {
	for _, p := range Parts() {
		if Off(p) {
			t.Fatalf("%s is off before any test switched it", p)
		}
		t.Run(p.String(), func(t *testing.T) {
			Set(t, p)
			if !Off(p) {
				t.Errorf("%s is on after Set", p)
			}
			if got := os.Getenv(Env); got != p.String() {
				t.Errorf("%s = %q, want %q", Env, got, p.String())
			}
			for _, q := range Parts() {
				if q != p && Off(q) {
					t.Errorf("Set(%s) switched %s off too", p, q)
				}
			}
		})
		if Off(p) {
			t.Errorf("%s is still off after the test that set it", p)
		}
		if n := p.Issue(); n < 1 || n > 7 {
			t.Errorf("%s belongs to part %d of issue 23", p, n)
		}
	}
	if Off(0) || Off(numParts) || Part(0).Issue() != 0 || Part(numParts).String() != fmt.Sprintf("Part(%d)", numParts) {
		t.Error("a part that does not exist is off, or has a part of the issue")
	}
}

// fakeTB records Fatalf (Set's refusals) instead of stopping.
type fakeTB struct {
	testing.TB
	fatal string
}

func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

// TestSetRefusesTwice: a switch already off was switched by another test
// (one running beside this one) or twice by this one: Set says so rather
// than restore it early.
func TestSetRefusesTwice(t *testing.T) {
	Set(t, ReadRead)
	f := &fakeTB{TB: t}
	Set(f, ReadRead)
	if f.fatal == "" {
		t.Error("a second Set of a switch that is off was not refused")
	}
	f = &fakeTB{TB: t}
	Set(f, Part(numParts))
	if f.fatal == "" {
		t.Error("Set of a part that does not exist was not refused")
	}
}

// TestSetRefusesParallelTests: Set uses t.Setenv, which a parallel test
// may not call, because a switch is the whole process's.
func TestSetRefusesParallelTests(t *testing.T) {
	t.Run("parallel", func(t *testing.T) {
		t.Parallel()
		defer func() {
			if recover() == nil {
				t.Error("Set in a parallel test did not panic")
			}
			if Off(Producers) {
				t.Error("a refused Set left its switch off")
			}
		}()
		Set(t, Producers)
	})
}
