package payments

import (
	"context"
	"net/http"
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

// TestInFlightDefaultIsConflict: without the option, duplicates that
// arrive while the first request with their key is processed get 409. The
// first is held for the whole Latency (a safety bound: it is abandoned once
// the others have answered), so every duplicate arrives while it is in
// flight however late a loaded machine schedules them; a short Latency
// made this test depend on the duplicates arriving within it.
func TestInFlightDefaultIsConflict(t *testing.T) {
	a := start(t, Options{Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 10
	statuses := make(chan int, n)
	for range n {
		go func() {
			r, err := a.tryContext(ctx, "POST", "/v1/payments", body1, KeyHeader, "conflict-1")
			if err != nil {
				statuses <- 0 // the first, abandoned below
				return
			}
			statuses <- r.status
		}()
	}
	safety := time.After(30 * time.Second)
	for range n - 1 {
		select {
		case s := <-statuses:
			if s != http.StatusConflict {
				t.Errorf("a duplicate got %d, want 409", s)
			}
		case <-safety:
			t.Fatal("the duplicates did not answer within 30s")
		}
	}
	cancel()
	<-statuses
}

// TestHoldIsPrecise pins why hold exists: time.Sleep(100µs) lasts about a
// millisecond on an idle Linux runtime, which would widen FlawRace's window.
// The lower bound is strict, on every attempt. The upper one needs one
// attempt the machine did not preempt: a loaded machine (other processes on
// every core) delays many wake-ups by milliseconds, and best of 5 failed
// there, so it takes the best of up to 200 attempts, stopping at the first
// within the bound; time.Sleep's overshoot on an idle runtime stays above it.
func TestHoldIsPrecise(t *testing.T) {
	for _, d := range []time.Duration{100 * time.Microsecond, 500 * time.Microsecond, 2 * time.Millisecond} {
		bound := d + 900*time.Microsecond
		best := time.Hour
		for i := 0; i < 200 && best > bound; i++ {
			start := time.Now()
			hold(d)
			got := time.Since(start)
			if got < d {
				t.Fatalf("hold(%s) returned after %s", d, got)
			}
			best = min(best, got)
		}
		if best > bound {
			t.Errorf("hold(%s): best of 200 took %s", d, best)
		}
	}
}
