package wire

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/http2"

	"github.com/idemcheck/idemcheck/internal/wire/wiretest"
)

// invalidSettings break RFC 9113 §6.5.2 (and RFC 8441 §3).
var invalidSettings = []struct {
	name     string
	settings []http2.Setting
	want     string
}{
	{"MAX_FRAME_SIZE=0", []http2.Setting{{ID: http2.SettingMaxFrameSize, Val: 0}}, "invalid HTTP/2 setting MAX_FRAME_SIZE = 0"},
	{"MAX_FRAME_SIZE=16383", []http2.Setting{{ID: http2.SettingMaxFrameSize, Val: 16383}}, "invalid HTTP/2 setting MAX_FRAME_SIZE = 16383"},
	{"MAX_FRAME_SIZE=2^24", []http2.Setting{{ID: http2.SettingMaxFrameSize, Val: 1 << 24}}, "invalid HTTP/2 setting MAX_FRAME_SIZE = 16777216"},
	{"ENABLE_PUSH=1", []http2.Setting{{ID: http2.SettingEnablePush, Val: 1}}, "invalid HTTP/2 setting ENABLE_PUSH = 1"},
	{"ENABLE_PUSH=2", []http2.Setting{{ID: http2.SettingEnablePush, Val: 2}}, "invalid HTTP/2 setting ENABLE_PUSH = 2"},
	{"ENABLE_CONNECT_PROTOCOL=7", []http2.Setting{{ID: http2.SettingEnableConnectProtocol, Val: 7}}, "invalid HTTP/2 setting ENABLE_CONNECT_PROTOCOL = 7"},
	{"INITIAL_WINDOW_SIZE=2^31", []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 1 << 31}}, "FLOW_CONTROL_ERROR"},
}

// TestH2InvalidSettingsFailCleanly: a server announcing an out-of-range
// setting — at the handshake or later, in the middle of the release — is
// refused with an error naming it. SETTINGS_MAX_FRAME_SIZE = 0 used to send
// the release into an endless loop of empty CONTINUATION frames.
func TestH2InvalidSettingsFailCleanly(t *testing.T) {
	for _, tt := range invalidSettings {
		t.Run("handshake/"+tt.name, func(t *testing.T) {
			base := wiretest.Listen(t, wiretest.H2Server{Settings: tt.settings}.Serve)
			bounded(t, hardLimit, func() {
				wantErrors(t, ReleaseH2(context.Background(), hostileCfg, requests(t, base, 5)).Outcomes, tt.want)
			})
		})
		t.Run("later/"+tt.name, func(t *testing.T) {
			base := wiretest.Listen(t, wiretest.H2Server{Respond: func(fr *http2.Framer, _ uint32) {
				fr.WriteSettings(tt.settings...) //nolint:errcheck // the client hangs up
			}}.Serve)
			bounded(t, hardLimit, func() {
				wantErrors(t, ReleaseH2(context.Background(), hostileCfg, requests(t, base, 5)).Outcomes, tt.want)
			})
		})
	}
}

// TestH2EndlessHeader: a response header that never ends — CONTINUATION
// frames full of header bytes, or empty ones — is cut at the header limit
// or the connection's read budget, long before the timeout.
func TestH2EndlessHeader(t *testing.T) {
	full := bytes.Repeat([]byte{'a'}, 16384)
	servers := map[string]func(fr *http2.Framer, id uint32){
		"one endless value": func(fr *http2.Framer, id uint32) {
			// A literal field whose value length says 1 GiB, then its bytes.
			start := append([]byte{0x00, 0x01, 'x', 0x7f}, 0x81, 0xff, 0xff, 0xff, 0x03)
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: start}) //nolint:errcheck
			for fr.WriteContinuation(id, false, full) == nil {
			}
		},
		"endless fields": func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200")}) //nolint:errcheck
			field := wiretest.Block("x-filler", strings.Repeat("f", 4000))
			for fr.WriteContinuation(id, false, bytes.Repeat(field, 4)) == nil {
			}
		},
		"empty CONTINUATION frames": func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200")}) //nolint:errcheck
			for fr.WriteContinuation(id, false, nil) == nil {
			}
		},
	}
	for name, respond := range servers {
		t.Run(name, func(t *testing.T) {
			base := wiretest.Listen(t, wiretest.H2Server{Respond: respond}.Serve)
			bounded(t, hardLimit, func() {
				for i, o := range ReleaseH2(context.Background(), hostileCfg, requests(t, base, 3)).Outcomes {
					if o.Response != nil || o.Err == nil || !errors.Is(o.Err, ErrHeaderTooLarge) {
						t.Errorf("copy %d: response %v, error %v; want ErrHeaderTooLarge", i+1, o.Response != nil, o.Err)
					}
				}
			})
		})
	}
}

// TestH2HugeBody: a correct server with an endless body gives a response
// cut at MaxBody and said to be cut, at once; a server that ignores flow
// control is refused.
func TestH2HugeBody(t *testing.T) {
	t.Run("endless body", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			wiretest.EndlessBody(r.Context(), w)
		}))
		srv.Config.Protocols = new(http.Protocols)
		srv.Config.Protocols.SetUnencryptedHTTP2(true)
		srv.Start()
		defer srv.Close()
		bounded(t, hardLimit, func() {
			for i, o := range ReleaseH2(context.Background(), hostileCfg, requests(t, srv.URL, 5)).Outcomes {
				if o.Err != nil || o.Response == nil || !o.Response.Truncated || len(o.Response.Body) != DefaultMaxBody {
					t.Errorf("copy %d: %v; want a response cut at %d bytes and said to be", i+1, o.Err, DefaultMaxBody)
				}
			}
		})
	})
	t.Run("flow control ignored", func(t *testing.T) {
		base := wiretest.Listen(t, wiretest.H2Server{Respond: func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200"), EndHeaders: true}) //nolint:errcheck
			chunk := make([]byte, 16384)
			for fr.WriteData(id, false, chunk) == nil {
			}
		}}.Serve)
		bounded(t, hardLimit, func() {
			// The first copy may keep what it got before the server broke
			// the rules: its first MaxBody bytes, said to be cut.
			outs := ReleaseH2(context.Background(), hostileCfg, requests(t, base, 3)).Outcomes
			if r := outs[0].Response; r != nil && r.Truncated && len(r.Body) == DefaultMaxBody {
				outs = outs[1:]
			}
			wantErrors(t, outs, "flow-control window")
		})
	})
}

// TestH2ControlFlood: endless PINGs are answered a bounded number of times.
func TestH2ControlFlood(t *testing.T) {
	base := wiretest.Listen(t, wiretest.H2Server{Respond: func(fr *http2.Framer, _ uint32) {
		for fr.WritePing(false, [8]byte{}) == nil {
		}
	}}.Serve)
	bounded(t, hardLimit, func() {
		wantErrors(t, ReleaseH2(context.Background(), hostileCfg, requests(t, base, 3)).Outcomes, "control frames")
	})
}

// TestH2EmptyFrameFlood: frames that carry nothing — empty DATA frames,
// HEADERS on a stream already answered — are bounded in count.
func TestH2EmptyFrameFlood(t *testing.T) {
	for name, respond := range map[string]func(*http2.Framer, uint32){
		"empty DATA": func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200"), EndHeaders: true}) //nolint:errcheck
			for fr.WriteData(id, false, nil) == nil {
			}
		},
		"HEADERS after the response": func(fr *http2.Framer, id uint32) {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200"), EndHeaders: true, EndStream: true}) //nolint:errcheck
			for fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: wiretest.Block(":status", "200"), EndHeaders: true}) == nil {
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			base := wiretest.Listen(t, wiretest.H2Server{Respond: respond}.Serve)
			bounded(t, hardLimit, func() {
				outs := ReleaseH2(context.Background(), hostileCfg, requests(t, base, 3)).Outcomes
				if outs[0].Response != nil { // answered before the flood began
					outs = outs[1:]
				}
				wantErrors(t, outs, "frames that carry no response")
			})
		})
	}
}
