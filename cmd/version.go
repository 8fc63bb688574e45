package cmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/idemcheck/idemcheck/internal/version"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/idemcheck/idemcheck/cmd.Version=1.2.3".
var Version = ""

// versionString is the version, a semver (internal/version).
func versionString() string { return version.Of(Version) }

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
