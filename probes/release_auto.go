package probes

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/idemcheck/idemcheck/internal/wire"
)

// maxAutoDetect bounds how long auto waits for an HTTP/2 answer.
const maxAutoDetect = 5 * time.Second

// autoModes remembers RaceAuto's decision per base URL for one run (Env
// gets a fresh one in withDefaults), so the target is asked once, not once
// per round, and every operation of a run is released the same way.
type autoModes struct {
	mu    sync.Mutex
	modes map[string]autoDecision
}

// autoDecision is the mode auto chose and why, for the evidence.
type autoDecision struct {
	mode RaceMode
	why  string
}

// resolveAuto returns the strongest release env's target supports: h2 when
// it completes an HTTP/2 handshake (TLS with ALPN h2, or h2c with prior
// knowledge: the preface answered with SETTINGS), else last-byte.
func resolveAuto(ctx context.Context, env *Env) autoDecision {
	if env.autoModes == nil {
		return detectH2(ctx, env)
	}
	a := env.autoModes
	a.mu.Lock() // held while detecting: concurrent operations wait for one answer
	defer a.mu.Unlock()
	if d, ok := a.modes[env.BaseURL]; ok {
		return d
	}
	d := detectH2(ctx, env)
	if ctx.Err() != nil {
		return d // cancelled: do not remember a decision taken without an answer
	}
	if a.modes == nil {
		a.modes = map[string]autoDecision{}
	}
	a.modes[env.BaseURL] = d
	return d
}

// detectH2 tries an HTTP/2 handshake with the target.
func detectH2(ctx context.Context, env *Env) autoDecision {
	u, err := url.Parse(env.BaseURL)
	if err != nil {
		return autoDecision{RaceLastByte, fmt.Sprintf("auto chose last-byte: bad base URL: %v", err)}
	}
	cfg := wireConfig(env)
	cfg.Timeout = min(env.Timeout, maxAutoDetect)
	if err := wire.DetectH2(ctx, cfg, u); err != nil {
		if u.Scheme == "http" && errors.Is(err, wire.ErrNoH2) {
			// sent.go: the preface reached a server that did not answer in
			// HTTP/2; an HTTP/1.1 server reads it as a request (PRI *).
			countSent(ctx)
		}
		return autoDecision{RaceLastByte, fmt.Sprintf("auto chose last-byte: no HTTP/2 (%v)", err)}
	}
	how := "h2c with prior knowledge"
	if u.Scheme == "https" {
		how = "TLS with ALPN h2"
	}
	return autoDecision{RaceH2, "auto chose h2: the target speaks HTTP/2 (" + how + ")"}
}
