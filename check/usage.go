package check

import (
	"errors"
	"fmt"
	"regexp"
)

// UsageError is a mistake in the options: a value out of range, a name
// nobody knows. Nothing was read or sent. Its message names the fields at
// fault as Options.Field ("Options.Concurrency must be between 1 and 1000,
// got 0"); Named renders it with the names a front end gives them, as the
// command line does with its flags.
type UsageError struct {
	format string // a fmt format with {Field} where a field is named
	args   []any
}

// fieldRef is a field's place in a UsageError's format: "{Concurrency}".
var fieldRef = regexp.MustCompile(`\{([A-Z][A-Za-z]*)\}`)

func usagef(format string, args ...any) error {
	return &UsageError{format: format, args: args}
}

func (e *UsageError) Error() string {
	return e.Named(func(field string) string { return "Options." + field })
}

// Unwrap returns the error the message wraps (%w), if any.
func (e *UsageError) Unwrap() error { return errors.Unwrap(fmt.Errorf(e.format, e.args...)) }

// Fields are the Options fields the message names, in order.
func (e *UsageError) Fields() []string {
	var out []string
	for _, m := range fieldRef.FindAllStringSubmatch(e.format, -1) {
		out = append(out, m[1])
	}
	return out
}

// Named is the message with every field called name(field): the names
// replace the placeholders of the format before the values are filled in,
// so nothing a user typed is taken for a field.
func (e *UsageError) Named(name func(field string) string) string {
	format := fieldRef.ReplaceAllStringFunc(e.format, func(ref string) string {
		return name(ref[1 : len(ref)-1])
	})
	return fmt.Errorf(format, e.args...).Error() // Errorf: a %w reads like a %v
}
