package probes

import (
	"testing"

	"golang.org/x/net/http2"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// TestH2ContinuationFloodIsNamedAtOnce: an HTTP/2 side that floods
// CONTINUATION frames while the h2 release waits for its PING answer used
// to cost 10 s per round and say "no PING answer within 10s" (issue 23).
// The concurrent probe now errs with what the server did, and no request
// of it times out (boundedRun).
func TestH2ContinuationFloodIsNamedAtOnce(t *testing.T) {
	h2 := wiretest.H2Server{Early: true, Respond: func(fr *http2.Framer, id uint32) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200")}) //nolint:errcheck
		for fr.WriteContinuation(id, false, nil) == nil {
		}
	}}
	base := wiretest.SplitH2(t, payments.New(payments.Options{}), h2.Serve)
	r := boundedRun(t, concurrentProbe{}, base, Config{RaceMode: RaceH2})
	wantVerdict(t, r, Error, "before the server answered the PING: a response header block of more than 512 frames")
}
