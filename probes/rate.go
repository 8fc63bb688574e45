package probes

import (
	"context"
	"sync"
	"time"
)

// limiter spaces the run's requests to at most perSecond on average
// (--rate), across every operation and every way of sending. A volley of
// concurrent copies takes its slots together and leaves together: spacing
// its copies would undo the synchronized release.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time // the earliest free slot
}

func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{interval: time.Duration(float64(time.Second) / perSecond)}
}

// wait reserves n slots and waits until the last of them, or until ctx is
// done. A nil limiter never waits.
func (l *limiter) wait(ctx context.Context, n int) error {
	if l == nil || n <= 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	last := l.next.Add(time.Duration(n-1) * l.interval)
	l.next = last.Add(l.interval)
	l.mu.Unlock()
	if d := time.Until(last); d > 0 {
		return sleep(ctx, d)
	}
	return ctx.Err()
}
