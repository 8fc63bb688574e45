package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// naiveReleaser is the baseline: one goroutine per copy behind a barrier,
// each sending through the shared net/http client. The copies leave when
// the scheduler and the connection pool let them — new connections are
// dialled on demand, so the spread is often larger than a race window.
type naiveReleaser struct{}

func (naiveReleaser) mode() RaceMode { return RaceNaive }

func (naiveReleaser) release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	v := newVolley(RaceNaive, len(reqs))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	var mu sync.Mutex // the trace fires on the transport's goroutines
	sent := make([]time.Time, len(reqs))
	for i, req := range reqs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			// WroteRequest fires when the whole request has been written:
			// the moment that counts for the race, like last-byte's final byte.
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
				now := time.Now()
				mu.Lock()
				defer mu.Unlock()
				if sent[i].IsZero() {
					sent[i] = now
				}
			}}
			tctx := httptrace.WithClientTrace(ctx, trace)
			ready.Done()
			<-start
			var ex Exchange
			v.replies[i], ex, v.errs[i] = x.exchange(tctx, fmt.Sprintf("%s copy %d", label, i+1), req)
			v.exchanges[i] = ex
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	mu.Lock() // a late trace callback writes to sent, never to v
	copy(v.sent, sent)
	mu.Unlock()
	return v
}
