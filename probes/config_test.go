package probes

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestZeroConfigIsTheDefaults: a zero Config means the documented
// defaults, and those are valid, while the zero Config itself names the
// first setting a run would have to replace.
func TestZeroConfigIsTheDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.Concurrency != DefaultConcurrency || c.Rounds != DefaultRounds || c.Parallel != DefaultParallel ||
		c.Timeout != DefaultTimeout || c.RaceMode != DefaultRaceMode || c.RaceBudget != DefaultRaceBudget() ||
		c.QuickCopies != DefaultQuickCopies || c.Client == nil || c.NewKey == nil {
		t.Fatalf("Config{}.WithDefaults() = %+v, want the Default* values, a client and a key maker", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
	var ce *ConfigError
	if err := (Config{}).Validate(); !errors.As(err, &ce) || ce.Field != "Concurrency" {
		t.Fatalf("Config{}.Validate() = %v, want a ConfigError naming Concurrency", err)
	}
	given := Config{Concurrency: 2, Rounds: 5, Timeout: time.Second, RaceMode: RaceNaive}.WithDefaults()
	if given.Concurrency != 2 || given.Rounds != 5 || given.Timeout != time.Second || given.RaceMode != RaceNaive {
		t.Fatalf("WithDefaults replaced a value that was given: %+v", given)
	}
}

// TestConfigValidateNamesTheField: every setting out of range is one
// error that names its field as Config.Field, which a front end maps to
// its own names (check: Options.Field, the command line: --flag).
func TestConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name  string
		set   func(*Config)
		field string
		msg   string
	}{
		{"concurrency above", func(c *Config) { c.Concurrency = 1001 }, "Concurrency", "Config.Concurrency must be between 1 and 1000, got 1001"},
		{"zero rounds", func(c *Config) { c.Rounds = 0 }, "Rounds", "Config.Rounds must be between 1 and 1000, got 0"},
		{"negative parallel", func(c *Config) { c.Parallel = -1 }, "Parallel", "Config.Parallel must be between 1 and 1000, got -1"},
		{"zero timeout", func(c *Config) { c.Timeout = 0 }, "Timeout", "Config.Timeout must be positive, got 0s"},
		{"negative rate", func(c *Config) { c.Rate = -1 }, "Rate", "Config.Rate must be between 0 (no limit) and 1000000 requests per second, got -1"},
		{"not a pointer", func(c *Config) { c.IgnoreFields = []string{"/ok", "created"} }, "IgnoreFields", `Config.IgnoreFields "created" is not a JSON pointer (it must start with /)`},
		{"unknown race mode", func(c *Config) { c.RaceMode = "fast" }, "RaceMode", `Config.RaceMode must be one of auto, last-byte, h2, naive, got "fast"`},
		{"budget of too many rounds", func(c *Config) { c.RaceBudget = RaceBudget{Rounds: maxRaceRounds + 1} }, "RaceBudget", "Config.RaceBudget is out of range: 1001 rounds is not between 1 and 1000"},
		{"budget of both", func(c *Config) { c.RaceBudget = RaceBudget{Rounds: 5, Time: time.Second} }, "RaceBudget", "Config.RaceBudget is out of range: 5 rounds and 1s: a budget is one or the other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{}.WithDefaults()
			tt.set(&c)
			err := c.Validate()
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field || err.Error() != tt.msg {
				t.Fatalf("Validate() = %v, want %q (field %s)", err, tt.msg, tt.field)
			}
		})
	}
}

// TestAccessDoIsTheRunsCall: an observer's Access.Do sends as the run
// does, within its timeout, and hands back the body it read.
func TestAccessDoIsTheRunsCall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("X-Seen", r.Header.Get("X-Tenant"))
		_, _ = io.WriteString(w, `{"data": []}`)
	}))
	t.Cleanup(srv.Close)
	a := newRun(Config{BaseURL: srv.URL, Header: http.Header{"X-Tenant": {"t1"}}, Timeout: 200 * time.Millisecond}).access("idemcheck-c")
	if a.BaseURL != srv.URL || a.Header.Get("X-Tenant") != "t1" || a.Canary != "idemcheck-c" || a.Do == nil {
		t.Fatalf("access = %+v, want the run's base URL and header and the canary", a)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/list", http.NoBody)
	req.Header = a.Header.Clone()
	resp, err := a.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Status != "200 OK" || string(body) != `{"data": []}` || resp.Header.Get("X-Seen") != "t1" {
		t.Fatalf("Do = %d %q %q (X-Seen %q), want 200 and the body", resp.StatusCode, resp.Status, body, resp.Header.Get("X-Seen"))
	}
	slow, _ := http.NewRequest(http.MethodGet, srv.URL+"/slow", http.NoBody)
	start := time.Now()
	if _, err := a.Do(slow); err == nil || !strings.Contains(err.Error(), "200ms") || time.Since(start) > 3*time.Second {
		t.Fatalf("Do of a request slower than the run's timeout = %v after %s, want the timeout's error at once", err, time.Since(start))
	}
}

// TestAccessMadeByHand: an Access is plain data, so an observer can be
// exercised outside a run with a Do of the caller's; one without a Do is
// an error, never a panic.
func TestAccessMadeByHand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"data": [{"id": "a"}, {"id": "b"}]}`)
	}))
	t.Cleanup(srv.Close)
	o := &CollectionObserver{Path: "/things", Pointer: "/data"}
	snap, err := o.Snapshot(context.Background(), Access{BaseURL: srv.URL, Do: srv.Client().Do})
	if err != nil || snap.Count != 2 {
		t.Fatalf("Snapshot through a hand-made Access = %+v, %v; want 2 items", snap, err)
	}
	if _, err := o.Snapshot(context.Background(), Access{BaseURL: srv.URL}); err == nil || !strings.Contains(err.Error(), "not made by a run") {
		t.Fatalf("Snapshot through an Access without Do = %v, want an error saying so", err)
	}
}
