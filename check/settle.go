package check

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// The configuration file says per operation what the document cannot: the
// planner takes its requests and keys (overrides), and settle attaches its
// observers and expectations to each planned operation (probes.Target), so
// every probe reads them from the target and all of it is decided here,
// before any request is sent.

// loadConfig reads the configuration from data (embedded files) or from the
// file at path; nil when neither is given.
func loadConfig(path string, data []byte) (*config.Config, error) {
	switch {
	case data != nil:
		return config.Parse(path, data)
	case path != "":
		return config.Load(path)
	}
	return nil, nil
}

// overrides turns the configured operations into planner overrides.
func overrides(cfg *config.Config) map[string]*openapi.Override {
	if cfg == nil || len(cfg.Operations) == 0 {
		return nil
	}
	out := make(map[string]*openapi.Override, len(cfg.Operations))
	for _, op := range cfg.Operations {
		ov := &openapi.Override{
			Source:       cfg.Where(op.Line),
			Body:         op.Body,
			HasBody:      op.HasBody,
			PathParams:   op.PathParams,
			IgnoreFields: op.IgnoreFields,
		}
		if op.Key != nil {
			ov.KeyHeader, ov.KeyField, ov.KeyRequired = op.Key.Header, op.Key.Field, op.Key.Required
			ov.KeyFormat = op.Key.Format
		}
		ov.PathLinks = pathLinks(op.PathLinks)
		ov.ErrorBody, ov.HasErrorBody = op.ErrorBody, op.HasErrorBody
		out[op.Name] = ov
	}
	return out
}

// pathLinks turns configured path links into the planner's.
func pathLinks(in map[string]config.PathLink) map[string]openapi.PathLink {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]openapi.PathLink, len(in))
	for name, l := range in {
		out[name] = openapi.PathLink{From: l.From, Pointer: l.Pointer}
	}
	return out
}

// settle attaches to each planned operation its observer (the configured
// one, else the one inferred from the document) and its expectations (the
// run's profile with the operation's `expect:` settings applied).
func settle(cfg *config.Config, base *probes.Profile, ops []openapi.Operation) ([]probes.Target, error) {
	targets := probes.DefaultTargets(ops)
	if cfg == nil {
		return targets, nil
	}
	profiles := map[string]*probes.Profile{} // by configured operation name
	for _, op := range cfg.Operations {
		if len(op.Expect) == 0 {
			continue
		}
		p, err := applyExpect(*base, op.Expect)
		if err != nil {
			return nil, fmt.Errorf("%s: operations.%s.expect: %w", cfg.Where(err.line), op.Name, err.err)
		}
		profiles[op.Name] = p
	}
	for i := range targets {
		t := &targets[i]
		name := openapi.NameOf(t.Op)
		if ob := cfg.ObserverFor(name); ob != nil {
			t.Observer = newObserver(ob)
		}
		if c := cfg.Operation(name); c != nil {
			t.Profile = profiles[c.Name]
		}
	}
	return targets, nil
}

// newObserver builds the observer a configuration entry declares.
func newObserver(ob *config.Observer) probes.Observer {
	switch {
	case ob.Get != "":
		return &probes.HTTPObserver{Label: ob.Name, Path: ob.Get, Pointer: ob.Pointer}
	case ob.Collection != nil:
		return &probes.CollectionObserver{Label: ob.Name, Path: ob.Collection.Get, Pointer: ob.Collection.Pointer}
	default:
		return &probes.CommandObserver{Label: ob.Name, Command: ob.Command, Pointer: ob.Pointer, Timeout: ob.Timeout}
	}
}

// preflightObservers takes one snapshot with every configured observer a
// planned operation uses, before any probe runs: a pointer to nothing or a
// failing command is one error naming the observer and its line.
func preflightObservers(ctx context.Context, cfg *config.Config, conf probes.Config, targets []probes.Target) error {
	if cfg == nil {
		return nil
	}
	for i := range cfg.Observers {
		ob := &cfg.Observers[i]
		used := slices.ContainsFunc(targets, func(t probes.Target) bool {
			return t.Op.Skip == "" && cfg.ObserverFor(openapi.NameOf(t.Op)) == ob
		})
		if !used {
			continue
		}
		if err := probes.CheckObserver(ctx, conf, newObserver(ob)); err != nil {
			return fmt.Errorf("%s: observer %q: %w", cfg.Where(ob.Line), ob.Name, err)
		}
	}
	return nil
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
