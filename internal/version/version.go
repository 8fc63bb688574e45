// Package version says which idemcheck is running, as a semver without
// the "v", always: SARIF consumers read the tool's version as a number.
package version

import (
	"runtime/debug"
	"strings"
)

// Of is the version: set (a release's, given at build time) when not
// empty, else the module version when installed with go install, else
// "0.0.0-dev+<commit>" for a build of a checkout ("0.0.0-dev" when the
// build has no VCS information).
func Of(set string) string {
	bi, _ := debug.ReadBuildInfo()
	return semver(set, bi)
}

// semver picks the version from what the build knows (see Of).
func semver(set string, bi *debug.BuildInfo) string {
	if set != "" {
		return strings.TrimPrefix(set, "v")
	}
	if bi == nil {
		return "0.0.0-dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	v := "0.0.0-dev"
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = ".dirty"
		}
	}
	if rev != "" {
		v += "+" + rev + dirty
	}
	return v
}
