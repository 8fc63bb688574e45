package check

import (
	"slices"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// Cost is what Run is expected to cost a correct API (plan prints it): the
// probes' estimate (probes.Estimate), and before them one HEAD to see the
// target answers and the read-read control of each configured observer the
// plan uses (Preflight).
func (c *Check) Cost(plan *Plan) probes.RunCost {
	env := c.s.env
	env.Planned = plan.Planned
	rc := probes.Estimate(plan.Targets, c.s.probes, env)
	pre := 1 + configuredReadings(c.s.cfg, plan.Targets)
	rc.Setup.Requests += pre
	rc.Total.Requests += pre
	return rc
}

// configuredReadings is how many requests preflightObservers sends: two
// (probes.CheckObserver reads twice) per configured observer the targets
// use that reads over HTTP.
func configuredReadings(cfg *config.Config, targets []probes.Target) int {
	if cfg == nil {
		return 0
	}
	n := 0
	for i := range cfg.Observers {
		ob := &cfg.Observers[i]
		used := slices.ContainsFunc(targets, func(t probes.Target) bool {
			return t.Op.Skip == "" && cfg.ObserverFor(openapi.NameOf(t.Op)) == ob
		})
		if _, command := newObserver(ob).(*probes.CommandObserver); used && !command {
			n += 2
		}
	}
	return n
}

// costSettings reads, for a plan, the options its estimate depends on:
// the probes, the concurrent rounds and the race budget (zero values: the
// defaults).
func (o *Options) costSettings(s *settings) error {
	var err error
	if s.probes, err = probes.Select(o.Probes); err != nil {
		return usagef("--probes: %v", err)
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"--concurrency", o.Concurrency}, {"--rounds", o.Rounds}} {
		if n.v < 0 || n.v > 1000 {
			return usagef("%s must be between 1 and 1000, got %d", n.flag, n.v)
		}
	}
	var budget probes.RaceBudget
	if o.RaceBudget != "" {
		if budget, err = probes.ParseRaceBudget(o.RaceBudget); err != nil {
			return usagef("--race-budget: %v", err)
		}
	}
	s.env = probes.Env{Concurrency: o.Concurrency, Rounds: o.Rounds, RaceBudget: budget, Parallel: o.Parallel, Profile: s.profile}
	return nil
}
