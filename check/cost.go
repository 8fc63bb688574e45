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
