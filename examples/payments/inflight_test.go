package payments

import (
	"testing"
	"time"
)

// TestInFlightWait: with Latency, ten concurrent duplicates overlap; the
// waiting server answers every one with the first's stored result (no 409)
// and creates one payment.
func TestInFlightWait(t *testing.T) {
	a := start(t, Options{InFlight: InFlightWait, Latency: 20 * time.Millisecond})
	replies := a.concurrently(10, "POST", "/v1/payments", body1, key, "wait-1")
	var first string
	replayed := 0
	for _, r := range replies {
		if r.status != 201 {
			t.Fatalf("response %d %s, want 201 (the stored result)", r.status, r.body)
		}
		if first == "" {
			first = r.body
		}
		if r.body != first {
			t.Errorf("body %s differs from %s", r.body, first)
		}
		if r.header.Get(ReplayedHeader) == "true" {
			replayed++
		}
	}
	if replayed != 9 {
		t.Errorf("%d responses marked replayed, want 9", replayed)
	}
	if n := a.count(""); n != 1 {
		t.Errorf("payments = %d, want 1", n)
	}
}

// TestInFlightDefaultIsConflict: without the option, overlapping duplicates get 409.
func TestInFlightDefaultIsConflict(t *testing.T) {
	a := start(t, Options{Latency: 20 * time.Millisecond})
	conflicts := 0
	for _, r := range a.concurrently(10, "POST", "/v1/payments", body1, key, "conflict-1") {
		if r.status == 409 {
			conflicts++
		}
	}
	if conflicts == 0 {
		t.Error("no 409 among 10 overlapping duplicates")
	}
}

// TestHoldIsPrecise pins why hold exists: time.Sleep(100µs) lasts about a
// millisecond on an idle Linux runtime, which would widen FlawRace's window.
// The lower bound is strict; the upper one takes the best of 5 (a loaded
// machine preempts) and stays below time.Sleep's overshoot.
func TestHoldIsPrecise(t *testing.T) {
	for _, d := range []time.Duration{100 * time.Microsecond, 500 * time.Microsecond, 2 * time.Millisecond} {
		best := time.Hour
		for range 5 {
			start := time.Now()
			hold(d)
			got := time.Since(start)
			if got < d {
				t.Fatalf("hold(%s) returned after %s", d, got)
			}
			best = min(best, got)
		}
		if best > d+900*time.Microsecond {
			t.Errorf("hold(%s): best of 5 took %s", d, best)
		}
	}
}
