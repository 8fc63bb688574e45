package cmd

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// profileFunc returns each operation's expectations: the run's --profile
// with the operation's configured `expect:` settings applied. Every setting
// is checked here, before any request is sent, so a misspelt or mistyped
// expectation is one error naming its line.
func profileFunc(cfg *config.Config, base *probes.Profile) (func(*openapi.Operation) *probes.Profile, error) {
	if cfg == nil {
		return nil, nil
	}
	byName := map[string]*probes.Profile{}
	for _, op := range cfg.Operations {
		if len(op.Expect) == 0 {
			continue
		}
		p, err := applyExpect(*base, op.Expect)
		if err != nil {
			return nil, fmt.Errorf("%s: operations.%s.expect: %w", cfg.Where(err.line), op.Name, err.err)
		}
		byName[op.Name] = p
	}
	if len(byName) == 0 {
		return nil, nil
	}
	return func(op *openapi.Operation) *probes.Profile {
		if c := cfg.Operation(op.ID, op.Method, op.Path); c != nil && byName[c.Name] != nil {
			return byName[c.Name]
		}
		return base
	}, nil
}

// expectError is an expectation error and the line it comes from.
type expectError struct {
	line int
	err  error
}

// applyExpect returns a copy of p with the expectations set. It goes through
// JSON so each value is checked against the field's type exactly as the
// profile's own JSON form reads it.
func applyExpect(p probes.Profile, expect []config.Expectation) (*probes.Profile, *expectError) {
	known := expectationNames()
	for _, e := range expect {
		if !slices.Contains(known, e.Name) {
			return nil, &expectError{e.Line, fmt.Errorf("unknown expectation %q (known: %s)", e.Name, strings.Join(known, ", "))}
		}
		one, err := json.Marshal(map[string]any{e.Name: e.Value})
		if err != nil {
			return nil, &expectError{e.Line, fmt.Errorf("%s: %w", e.Name, err)}
		}
		dec := json.NewDecoder(strings.NewReader(string(one)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, &expectError{e.Line, fmt.Errorf("%s: %v", e.Name, err)}
		}
	}
	p.Name += " (with per-operation expectations)"
	return &p, nil
}

// expectationNames are the profile fields an operation may override: every
// JSON name of probes.Profile but its identity (name, source).
func expectationNames() []string {
	var names []string
	t := reflect.TypeOf(probes.Profile{})
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "name" && name != "source" {
			names = append(names, name)
		}
	}
	return names
}
