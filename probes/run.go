package probes

// run is one run's state: its Config with the defaults applied, and what
// the run learns and shares as it goes. Run, RunTargets, StreamTargets,
// RunOne, Estimate, Remove and CheckObserver each make one (newRun);
// every experiment of the run points to it.
type run struct {
	Config

	limit     *limiter   // enforces Rate across the run (rate.go)
	autoModes *autoModes // RaceAuto's decision per base URL (release_auto.go)
	// targets are every planned operation and its settings (Planned, else
	// those RunTargets runs), for the probes that need another target;
	// exclusive holds off the probes they would disturb (exclusive.go).
	targets   []Target
	observers map[opKey]Observer // targets' observers by operation (setTargets)
	exclusive *runLocks
	// reads is what the run learnt about each observer's reads
	// (observe_quick.go).
	reads *readKnowledge
}

// newRun starts a run of c, with c's defaults applied.
func newRun(c Config) *run {
	c = c.WithDefaults()
	return &run{
		Config:    c,
		limit:     newLimiter(c.Rate),
		autoModes: &autoModes{},
		exclusive: &runLocks{},
		reads:     &readKnowledge{},
	}
}
