package probes

// Operations that share a collection run one after another (Run), so one's
// requests never show up in another's side-effect counts. A probe that sends
// requests to *other* operations (mismatch-target creates a second parent
// resource and reuses its key on another operation) would break that: its
// requests would land in the counts of a probe running at the same time on
// the other operation, and turn a correct server's verdict into a false
// alarm. Such probes run alone: they take the run's lock exclusively, every
// other probe takes it shared.

// exclusiveProbe is implemented by probes that touch other operations.
type exclusiveProbe interface {
	// exclusive reports whether the probe must run while no other probe does.
	exclusive() bool
}

// hold takes env's run lock for p and returns its release: exclusively for a
// probe that touches other operations, shared for every other probe.
func hold(env *Env, p Probe) (release func()) {
	if env.exclusive == nil {
		return func() {}
	}
	if x, ok := p.(exclusiveProbe); ok && x.exclusive() {
		env.exclusive.Lock()
		return env.exclusive.Unlock
	}
	env.exclusive.RLock()
	return env.exclusive.RUnlock
}
