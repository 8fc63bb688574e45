package probes

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// RaceMode says how the concurrent probe releases its copies. A
// check-then-act race only shows when the copies reach the server within
// its race window, often well under a millisecond, so the release method
// decides whether the probe sees the defect at all (bench/race measures it).
type RaceMode string

// The race modes; RaceAuto is the default.
const (
	// RaceAuto picks the strongest release the target supports: RaceH2 when
	// it speaks HTTP/2 (TLS with ALPN h2, or h2c with prior knowledge), else
	// RaceLastByte. It decides once per run and base URL.
	RaceAuto RaceMode = "auto"
	// RaceLastByte opens one HTTP/1.1 connection per copy, sends every
	// request but its final byte, then writes all final bytes back to back.
	RaceLastByte RaceMode = "last-byte"
	// RaceH2 sends every copy on one HTTP/2 connection, all but the final
	// DATA frames first, then every final frame in one write (one packet).
	RaceH2 RaceMode = "h2"
	// RaceNaive starts one goroutine per copy behind a barrier and lets
	// net/http send them: the baseline, which often misses narrow races.
	RaceNaive RaceMode = "naive"
)

// DefaultRaceMode is the release the concurrent probe uses when Env.RaceMode is empty.
const DefaultRaceMode = RaceAuto

// raceModes are the race modes, the default first: the table that
// RaceModes, ParseRaceMode, RaceModeHelp and releaserFor read. A new mode
// is its releaser's file and one entry here.
var raceModes = []struct {
	mode RaceMode
	help string   // what the mode does, when its name does not say it
	rel  releaser // nil for auto, which picks another mode's
}{
	{RaceAuto, "h2 when the target speaks HTTP/2, else last-byte", nil},
	{RaceLastByte, "", lastByteReleaser{}},
	{RaceH2, "", h2Releaser{}},
	{RaceNaive, "", naiveReleaser{}},
}

// RaceModes lists every mode, the default first.
func RaceModes() []RaceMode {
	out := make([]RaceMode, len(raceModes))
	for i, m := range raceModes {
		out[i] = m.mode
	}
	return out
}

// RaceModeHelp says what the modes are, for --race-mode's help: "auto (h2
// when the target speaks HTTP/2, else last-byte), last-byte, h2, naive".
func RaceModeHelp() string {
	names := make([]string, len(raceModes))
	for i, m := range raceModes {
		names[i] = string(m.mode)
		if m.help != "" {
			names[i] += " (" + m.help + ")"
		}
	}
	return strings.Join(names, ", ")
}

// ParseRaceMode reads a --race-mode value; the error lists the valid ones.
func ParseRaceMode(s string) (RaceMode, error) {
	names := make([]string, len(raceModes))
	for i, m := range raceModes {
		if string(m.mode) == s {
			return m.mode, nil
		}
		names[i] = string(m.mode)
	}
	return "", fmt.Errorf("unknown race mode %q (want one of %s)", s, strings.Join(names, ", "))
}

// volley is what one release of N copies produced: per copy the reply, the
// evidence and the transport error, plus how tightly they were released.
type volley struct {
	mode      RaceMode
	replies   []*reply
	exchanges []Exchange
	errs      []error
	// sent is when each copy's final byte (or final frame) left the client.
	sent []time.Time
	// note says how the release departed from the plan, e.g. HTTP/2 batches.
	note string
}

func newVolley(mode RaceMode, n int) *volley {
	return &volley{
		mode:      mode,
		replies:   make([]*reply, n),
		exchanges: make([]Exchange, n),
		errs:      make([]error, n),
		sent:      make([]time.Time, n),
	}
}

// spread is the client-side send spread: the time between the first and the
// last copy leaving the client. Copies that were never sent do not count.
func (v *volley) spread() time.Duration {
	var first, last time.Time
	for _, t := range v.sent {
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return last.Sub(first)
}

// finish records copy i's outcome as evidence, the way Experiment.exchange
// does for requests sent through net/http (same redaction).
func (v *volley) finish(x *Experiment, i int, label string, req *http.Request, payload []byte, r *reply, elapsed time.Duration, err error) {
	v.replies[i], v.errs[i] = r, err
	ex := Exchange{
		Label:    fmt.Sprintf("%s copy %d", label, i+1),
		Request:  recordRequest(req, payload, x.Env.Header),
		Response: recordResponse(r, x.Env.Header),
		Elapsed:  elapsed,
	}
	if err != nil {
		ex.Err = err.Error()
	}
	v.exchanges[i] = ex
}

// failAll marks every copy not yet answered as failed with err.
func (v *volley) failAll(x *Experiment, label string, reqs []*http.Request, err error) *volley {
	for i, req := range reqs {
		if v.replies[i] == nil && v.errs[i] == nil {
			v.finish(x, i, label, req, requestBody(req), nil, 0, err)
		}
	}
	return v
}

// releaser fires built requests as close to one instant as it can and
// returns what each copy got. label prefixes each exchange's label.
type releaser interface {
	mode() RaceMode
	release(ctx context.Context, x *Experiment, label string, reqs []*http.Request) *volley
}

// releaserFor returns the releaser for the experiment's mode, resolving auto
// (once per run and base URL, see release_auto.go); why says what auto
// chose and why, and is empty for an explicit mode. A mode raceModes does
// not name gets unknownMode, never a fallback.
func releaserFor(ctx context.Context, x *Experiment) (r releaser, why string) {
	mode := x.Env.RaceMode
	if mode == "" || mode == RaceAuto {
		d := resolveAuto(ctx, x.Env)
		mode, why = d.mode, d.why
	}
	for _, m := range raceModes {
		if m.mode == mode && m.rel != nil {
			return m.rel, why
		}
	}
	return unknownMode{mode}, why
}

// unknownMode releases nothing: every copy fails with ParseRaceMode's
// error, so each round is an error and the probe never passes on a mode
// it does not know (check rejects one before anything is sent; a program
// that builds Env itself may not).
type unknownMode struct{ m RaceMode }

func (u unknownMode) mode() RaceMode { return u.m }

func (u unknownMode) release(_ context.Context, x *Experiment, label string, reqs []*http.Request) *volley {
	_, err := ParseRaceMode(string(u.m))
	return newVolley(u.m, len(reqs)).failAll(x, label, reqs, err)
}

// formatSpread renders a send spread for round summaries: "37µs".
func formatSpread(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	default:
		return d.Round(10 * time.Microsecond).String()
	}
}
