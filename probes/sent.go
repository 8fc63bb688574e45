package probes

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
)

// What a run costs the server is counted where requests leave: every sender
// (net/http, the raw releases, the dropped connections) adds to the counter
// its context carries. The runner gives each experiment one, so a result
// says how many requests it sent (Result.Requests), setup and observer
// reads included; what a run sends outside any experiment (the target's
// HEAD, the observers' read-read controls before the probes) goes to the
// counter the caller gives it (CountSent); cost.go says how many requests
// were expected.

// sentCounterKey carries a request counter in a context.
type sentCounterKey struct{}

// withSentCounter returns ctx carrying n: every request sent under it adds to n.
func withSentCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, sentCounterKey{}, n)
}

// CountSent returns ctx carrying n: every request a run sends under it
// outside an experiment adds to n (the preflight's, and the read-read
// controls StreamTargets runs before the probes). An experiment counts its
// own in its result (Result.Requests), and a cleanup in its report.
func CountSent(ctx context.Context, n *atomic.Int64) context.Context {
	return withSentCounter(ctx, n)
}

// CountWrites is countWrites, for a request sent outside the probes (the
// target's HEAD): it counts in the counter ctx carries (CountSent).
func CountWrites(ctx context.Context) context.Context { return countWrites(ctx) }

// countWrites returns ctx with a trace that counts every time net/http
// writes the request: never one it refused to send (an invalid header),
// and twice one it sent again on a fresh connection after a kept-alive
// one broke (it does so for a request with an Idempotency-Key header).
func countWrites(ctx context.Context) context.Context {
	if _, ok := ctx.Value(sentCounterKey{}).(*atomic.Int64); !ok {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { countSent(ctx) },
	})
}

// countSent adds one request to ctx's counter, if it carries one.
func countSent(ctx context.Context) {
	if n, ok := ctx.Value(sentCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}
