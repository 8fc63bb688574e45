package cmd

import (
	"errors"
	"reflect"
	"strings"

	"github.com/spf13/pflag"

	"github.com/idemcheck/idemcheck/check"
)

// optionFlag is the flag of fs that sets check.Options' field, nil when
// none does: the engine's errors name fields (Options.Concurrency), the
// command line its flags. A flag is the field's name in lower case, less a
// plural s, with dashes ("BaseURL" --base-url, "Headers" --header, "CACert"
// --cacert); TestEveryOptionHasAFlag keeps it so.
func optionFlag(fs *pflag.FlagSet, field string) *pflag.Flag {
	var found *pflag.Flag
	want := strings.ToLower(field)
	fs.VisitAll(func(f *pflag.Flag) {
		if name := strings.ReplaceAll(f.Name, "-", ""); name == want || name+"s" == want {
			found = f
		}
	})
	return found
}

// explicitOptions are the fields whose flags the user gave: their zero
// values are values, not defaults (check.Options.Explicit).
func explicitOptions(fs *pflag.FlagSet) []string {
	var out []string
	for field := range reflect.TypeFor[check.Options]().Fields() {
		if f := optionFlag(fs, field.Name); f != nil && f.Changed {
			out = append(out, field.Name)
		}
	}
	return out
}

// flagWording is err's message with the fields a check.UsageError names
// called by their flags in fs.
func flagWording(err error, fs *pflag.FlagSet) string {
	msg := err.Error()
	var ue *check.UsageError
	if errors.As(err, &ue) {
		msg = strings.Replace(msg, ue.Error(), ue.Named(func(field string) string {
			if f := optionFlag(fs, field); f != nil {
				return "--" + f.Name
			}
			return "Options." + field
		}), 1)
	}
	return msg
}
