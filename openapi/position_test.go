package openapi

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPositions pins that every planned operation knows the file and line
// of its method key, in YAML, JSON and Swagger 2.0, and through $refs into
// other files (issue 19 item 1).
func TestPositions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "api.yaml"), `openapi: 3.0.3
info: {title: pos, version: "1"}
paths:
  /local:
    delete:
      responses: {"204": {description: gone}}
  /things:
    $ref: "paths/things.yaml"
  /inlined:
    post:
      $ref: "ops/create.yaml"
`)
	writeFile(t, filepath.Join(dir, "paths", "things.yaml"), `# the /things path item
get:
  responses: {"200": {description: ok}}
post:
  operationId: createThing
  responses: {"201": {description: created}}
`)
	writeFile(t, filepath.Join(dir, "ops", "create.yaml"), `operationId: createInlined
responses: {"201": {description: created}}
`)
	api := filepath.Join(dir, "api.yaml")
	tests := []struct {
		spec string
		want map[string]Position
	}{
		{filepath.Join("testdata", "v30.yaml"), map[string]Position{
			"createPayment":      {filepath.Join("testdata", "v30.yaml"), 7},
			"PUT /payments/{id}": {filepath.Join("testdata", "v30.yaml"), 26},
			"deletePayment":      {filepath.Join("testdata", "v30.yaml"), 34},
		}},
		{filepath.Join("testdata", "v31.json"), map[string]Position{"createOrder": {filepath.Join("testdata", "v31.json"), 6}}},
		{filepath.Join("testdata", "swagger2.json"), map[string]Position{"CreateItem": {filepath.Join("testdata", "swagger2.json"), 8}}},
		{api, map[string]Position{
			"DELETE /local": {api, 5},
			"createThing":   {filepath.Join(dir, "paths", "things.yaml"), 4},
			"createInlined": {api, 10},
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.spec), func(t *testing.T) {
			doc, err := Load(context.Background(), tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := Plan(context.Background(), doc, PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Position{}
			for _, o := range ops {
				if o.Position == nil {
					t.Errorf("%s: no position", o.ID)
					continue
				}
				got[o.ID] = *o.Position
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
		})
	}
}
