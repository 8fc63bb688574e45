package wire

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/http2"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// TestH2AbuseWhileWaitingForThePing: a server that breaks HTTP/2 while the
// release waits for its PING answer (after the requests' prefixes, before
// their last bytes) is reported for what it did, as soon as the reading
// stops, not as "no PING answer within 10s" when the time is up (issue 23:
// a CONTINUATION flood took 30 s, three rounds of 10, and said nothing of
// the flood).
func TestH2AbuseWhileWaitingForThePing(t *testing.T) {
	tests := []struct {
		name    string
		respond func(fr *http2.Framer, id uint32)
		want    string
	}{
		{"a flood of CONTINUATION frames", func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200")}) //nolint:errcheck
			for fr.WriteContinuation(id, false, nil) == nil {
			}
		}, "response header too large"},
		{"CONTINUATION without HEADERS", func(fr *http2.Framer, id uint32) {
			for fr.WriteContinuation(id, false, []byte("x")) == nil {
			}
		}, "PROTOCOL_ERROR"},
		{"HEADERS on a stream never opened", func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id + 100, BlockFragment: wiretest.Block(":status", "200"), EndHeaders: true}) //nolint:errcheck
		}, "which idemcheck never opened"},
		{"a flood of PINGs", func(fr *http2.Framer, _ uint32) {
			for fr.WritePing(false, [8]byte{}) == nil {
			}
		}, "control frames"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{}) // the server answers only once, on the first stream
			once := false
			base := wiretest.Listen(t, wiretest.H2Server{Early: true, Respond: func(fr *http2.Framer, id uint32) {
				if once {
					return
				}
				once = true
				defer close(done)
				tt.respond(fr, id)
			}}.Serve)
			bounded(t, hardLimit, func() {
				outs := ReleaseH2(context.Background(), hostileCfg, requests(t, base, 3)).Outcomes
				wantErrors(t, outs, tt.want)
				t.Logf("%v", outs[0].Err)
				for i, o := range outs {
					if o.Err != nil && strings.Contains(o.Err.Error(), "no PING answer") {
						t.Errorf("copy %d: %v; want what the server did, not a timeout", i+1, o.Err)
					}
				}
			})
		})
	}
}
