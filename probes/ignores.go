package probes

// probeIgnores are the JSON pointers left out of x's comparisons: the
// user's --ignore-field flags plus the operation's own volatile fields from
// the configuration file.
func probeIgnores(x *Experiment) []string {
	if len(x.Op.IgnoreFields) == 0 {
		return x.Env.IgnoreFields
	}
	return append(append([]string(nil), x.Env.IgnoreFields...), x.Op.IgnoreFields...)
}
