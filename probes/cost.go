package probes

import "github.com/idemcheck/idemcheck/openapi"

// What a check costs the server, before it runs (plan): each probe states
// what its experiment on one operation sends and creates, given the
// planned operation and the settings, in its cost method (cost_probes.go)
// that mirrors its Run step by step. The model it is played against
// (cost_model.go, cost_measure.go, cost_chain.go) adds what every
// experiment spends besides: its parents, its observer's readings and
// read-read controls. Result.Requests is what a run really sent, and
// report.Run.SetupRequests what it sent before the probes (sent.go);
// TestPlanEstimateMatchesCheck holds them to the estimate on the examples.

// Cost is what checking costs the server.
type Cost struct {
	// Requests is how many requests are sent to a correct API whose reads
	// are immediately consistent, every loop counted at its bound. A
	// broken API, a list of several pages, one that updates late, an empty
	// list at the start (its read-read control runs again until it shows
	// items: 2 or 4 requests more) or an HTTP/1.1 server (auto's HTTP/2
	// preface reaches it as a request) can take more or fewer.
	Requests int `json:"requests"`
	// Conditional is the part of Requests sent only while no defect shows:
	// concurrent's quick rounds, which fill the race budget on a correct
	// API and stop at the first round that shows a defect (the rounds in
	// flight with it still finish), so a check that finds one sends fewer;
	// under a --race-budget duration they also stop when it is spent, and
	// are counted at their bound in rounds.
	Conditional int `json:"conditional"`
	// Creates is how many resources the requests leave on a correct API,
	// at most: every create it processes, parents included, less what the
	// check deletes itself. A broken API that processes duplicates leaves
	// more.
	Creates int `json:"creates"`
}

// Add adds d to c.
func (c *Cost) Add(d Cost) {
	c.Requests += d.Requests
	c.Conditional += d.Conditional
	c.Creates += d.Creates
}

// ProbeCost is one probe's cost on one operation.
type ProbeCost struct {
	Probe string `json:"probe"`
	Cost
}

// OperationCost is what checking one operation costs: every probe's.
type OperationCost struct {
	Op *openapi.Operation `json:"-"`
	Cost
	Probes []ProbeCost `json:"probes,omitempty"`
}

// RunCost is what a run costs: before any probe (the read-read controls of
// the observers), each operation, and in total.
type RunCost struct {
	Setup      Cost            `json:"setup"`
	Operations []OperationCost `json:"operations"`
	Total      Cost            `json:"total"`
}

// coster is a probe that sends requests: cost plays its experiment on
// e.op against the model (cost_model.go). A probe without one (spec) sends
// nothing.
type coster interface {
	cost(e *estimate)
}

// Estimate is what RunTargets(targets, probes, env) is expected to cost a
// correct API: per operation and probe, and in total. It sends nothing.
// The operations are played in the order a run with one worker takes them
// (groupByObserver), which is the order the run learns about observers in.
func Estimate(targets []Target, probes []Probe, env Env) RunCost {
	e := env.withDefaults()
	e.plan(targets)
	m := newModel(e)
	rc := RunCost{Setup: m.preflight(targets)} // observe_preflight.go
	rc.Total = rc.Setup
	rc.Operations = make([]OperationCost, len(targets))
	for _, g := range groupByObserver(targets) {
		for _, i := range g {
			t := targets[i]
			oc := OperationCost{Op: t.Op}
			for _, p := range probes {
				c, ok := p.(coster)
				if !ok || !runs(e, t.Op, p) {
					continue
				}
				x := m.experiment(t)
				c.cost(x)
				oc.Probes = append(oc.Probes, ProbeCost{Probe: p.Meta(nil).ID, Cost: x.cost})
				oc.Add(x.cost)
			}
			rc.Operations[i] = oc
			rc.Total.Add(oc.Cost)
		}
	}
	return rc
}

// runs reports whether the runner runs p on op at all (runOne).
func runs(env *Env, op *openapi.Operation, p Probe) bool {
	if op.Skip != "" || isStatic(p) || p.Applies(op) != "" {
		return false
	}
	a, ok := p.(envApplier)
	return !ok || a.appliesWith(env) == ""
}

// envApplier is a probe that needs a setting to run (cross-principal: a
// second principal); the runner skips it before its chain creates parents
// for nothing.
type envApplier interface {
	appliesWith(env *Env) string
}
