package cmd

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/check"
)

// TestEveryOptionHasAFlag: every field of check.Options a user sets has a
// flag of check that optionFlag finds, so an engine error naming the field
// reads with the flag on the command line.
func TestEveryOptionHasAFlag(t *testing.T) {
	notFlags := []string{"SpecData", "ConfigData", "Tool", "Explicit"} // set by programs, not users
	fs := NewCmdCheck(nil, nil, nil).Flags()
	typ := reflect.TypeFor[check.Options]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if slices.Contains(notFlags, name) {
			continue
		}
		if optionFlag(fs, name) == nil {
			t.Errorf("check.Options.%s has no flag of idemcheck check", name)
		}
	}
}

// TestUsageErrorsNameFlags (issue 26): the engine's errors name
// Options.Field; the command line says them with its flags, for check and
// for plan, and a zero the user typed is a value, not the default.
func TestUsageErrorsNameFlags(t *testing.T) {
	spec := specFile(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"both key places", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--key-header", "K", "--key-field", "k"}, "--key-header and --key-field exclude each other"},
		{"zero timeout", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--timeout", "0s"}, "--timeout must be positive, got 0s"},
		{"empty fail-on", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "--fail-on", ""}, "--fail-on: unknown severity"},
		{"bad header", []string{"check", "--spec", spec, "--base-url", "http://127.0.0.1:1", "-H", "NoColon"}, `--header: "NoColon" is not 'Name: value'`},
		{"plan: zero rounds", []string{"plan", "--spec", spec, "--rounds", "0"}, "--rounds must be between 1 and 1000, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != ExitError || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "Options.") {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
