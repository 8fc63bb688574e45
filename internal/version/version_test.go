package version

import (
	"regexp"
	"runtime/debug"
	"testing"
)

// TestVersionIsSemver (issue 26): the version is a semver without "v" for
// every kind of build, since the SARIF log's tool version must read as a
// number ("dev" did not).
func TestVersionIsSemver(t *testing.T) {
	build := func(version string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: version}, Settings: settings}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}
	tests := []struct {
		name string
		set  string
		bi   *debug.BuildInfo
		want string
	}{
		{"set at build time", "v1.2.3", build("(devel)"), "1.2.3"},
		{"go install of a release", "", build("v0.4.0"), "0.4.0"},
		{"go install of a pseudo-version", "", build("v0.0.0-20260101120000-0123456789ab"), "0.0.0-20260101120000-0123456789ab"},
		{"a checkout", "", build("(devel)", rev), "0.0.0-dev+0123456789ab"},
		{"a modified checkout", "", build("(devel)", rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "0.0.0-dev+0123456789ab.dirty"},
		{"no VCS information", "", build("(devel)"), "0.0.0-dev"},
		{"no build information", "", nil, "0.0.0-dev"},
	}
	// semver.org's regular expression, less the "v" it does not allow either.
	re := regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := semver(tt.set, tt.bi)
			if got != tt.want || !re.MatchString(got) {
				t.Errorf("semver = %q, want %q, a semver", got, tt.want)
			}
		})
	}
	if v := Of(""); !re.MatchString(v) {
		t.Errorf("Of(\"\") = %q, not a semver", v)
	}
}
