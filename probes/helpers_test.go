package probes

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

// Helpers that the test API servers and fixtures of several files share.

// planDoc loads spec, a document named name, and plans it as check does.
func planDoc(t *testing.T, name, spec string) []openapi.Operation {
	t.Helper()
	doc, err := openapi.LoadData(context.Background(), []byte(spec), name)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(context.Background(), doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// planSpec is planDoc of a document every operation of which must plan.
func planSpec(t *testing.T, name, spec string) []openapi.Operation {
	t.Helper()
	ops := planDoc(t, name, spec)
	for _, o := range ops {
		if o.Skip != "" {
			t.Fatalf("%s not planned: %s", o.Name(), o.Skip)
		}
	}
	return ops
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// experimentOn prepares an experiment of env on op, settled with the
// defaults (DefaultTargets).
func experimentOn(env *run, op *openapi.Operation) *Experiment {
	return newExperiment(env, Target{Op: op, Observer: DefaultObserver(op)})
}
