package probes

import (
	"fmt"
	"strings"
)

// ConfigError is a Config field a run cannot use. Its message names the
// field as Config.Field ("Config.Rounds must be between 1 and 1000, got
// 0"); a front end with names of its own (check's Options, the command
// line's flags) maps Field and keeps Problem.
type ConfigError struct {
	Field   string // the Config field: "Rounds"
	Problem string // what is wrong with it: "must be between 1 and 1000, got 0"
}

func (e *ConfigError) Error() string { return "Config." + e.Field + " " + e.Problem }

// maxSetting bounds Concurrency, Rounds and Parallel.
const maxSetting = 1000

// Validate reports the first field of c that a run cannot use, as a
// *ConfigError; nil when every field is in range. It checks c as it is:
// a zero Concurrency, Rounds, Parallel or Timeout is out of range (a run
// would replace it with its default), so validate c.WithDefaults() unless
// a zero was given on purpose (check's Options.Explicit). An empty
// RaceMode and a zero RaceBudget are their defaults' names, and valid.
func (c Config) Validate() error {
	for _, n := range []struct {
		field string
		v     int
	}{{"Concurrency", c.Concurrency}, {"Rounds", c.Rounds}, {"Parallel", c.Parallel}} {
		if n.v < 1 || n.v > maxSetting {
			return &ConfigError{n.field, fmt.Sprintf("must be between 1 and %d, got %d", maxSetting, n.v)}
		}
	}
	if c.Timeout <= 0 {
		return &ConfigError{"Timeout", fmt.Sprintf("must be positive, got %s", c.Timeout)}
	}
	if c.Rate < 0 || c.Rate > 1e6 {
		return &ConfigError{"Rate", fmt.Sprintf("must be between 0 (no limit) and 1000000 requests per second, got %g", c.Rate)}
	}
	for _, p := range c.IgnoreFields {
		if p != "" && !strings.HasPrefix(p, "/") {
			return &ConfigError{"IgnoreFields", fmt.Sprintf("%q is not a JSON pointer (it must start with /)", p)}
		}
	}
	if _, err := ParseRaceMode(string(c.RaceMode)); err != nil && c.RaceMode != "" {
		return &ConfigError{"RaceMode", fmt.Sprintf("must be one of %s, got %q", raceModeNames(), c.RaceMode)}
	}
	if err := c.RaceBudget.check(); err != nil && c.RaceBudget != (RaceBudget{}) {
		return &ConfigError{"RaceBudget", "is out of range: " + err.Error()}
	}
	return nil
}
