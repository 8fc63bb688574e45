package cmd

import (
	"context"
	"fmt"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// The configuration file (--config) is wired here: its operations become
// the planner's overrides, its observers the probes' observers, and both
// are checked against the document and the target before any probe runs,
// so a mistake in it is one error line naming the file and line.

// loadConfig reads the configuration from data (the demo's embedded
// files) or from the file at path; nil when neither is given.
func loadConfig(path string, data []byte) (*config.Config, error) {
	switch {
	case data != nil:
		return config.Parse(path, data)
	case path != "":
		return config.Load(path)
	}
	return nil, nil
}

// checkConfigNames makes sure every operation the configuration names is in
// the document.
func checkConfigNames(cfg *config.Config, doc *openapi.Document) error {
	if cfg == nil {
		return nil
	}
	return cfg.CheckOperations(openapi.OperationNames(doc))
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

// observerFunc returns the probes' observer choice: the observer the
// configuration declares for an operation, else the default one.
func observerFunc(cfg *config.Config) func(*openapi.Operation) probes.Observer {
	return func(op *openapi.Operation) probes.Observer {
		if cfg == nil {
			return probes.DefaultObserver(op)
		}
		ob := cfg.ObserverFor(op.ID, op.Method, op.Path)
		if ob == nil {
			return probes.DefaultObserver(op)
		}
		return newObserver(ob)
	}
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

// preflightObservers takes one snapshot with every configured observer
// that a planned operation uses, before any probe runs.
func preflightObservers(ctx context.Context, cfg *config.Config, env probes.Env, ops []openapi.Operation) error {
	if cfg == nil {
		return nil
	}
	for i := range cfg.Observers {
		ob := &cfg.Observers[i]
		used := false
		for _, op := range ops {
			if op.Skip == "" && cfg.ObserverFor(op.ID, op.Method, op.Path) == ob {
				used = true
				break
			}
		}
		if !used {
			continue
		}
		if err := probes.CheckObserver(ctx, env, newObserver(ob)); err != nil {
			return fmt.Errorf("%s: observer %q: %w", cfg.Where(ob.Line), ob.Name, err)
		}
	}
	return nil
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
