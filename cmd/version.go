package cmd

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/idemcheck/idemcheck/cmd.Version=1.2.3".
var Version = ""

// versionString is the version as a semver without the "v", always: what
// SARIF consumers read as a number. It is Version, else the module version
// when installed with go install, else "0.0.0-dev+<commit>" for a build
// of a checkout ("0.0.0-dev" when the build has no VCS information).
func versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return semver(Version, bi)
}

// semver picks the version from what the build knows (see versionString).
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

// NewCmdVersion builds `idemcheck version`.
func NewCmdVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "idemcheck %s\n", versionString())
			return err
		},
	}
}
