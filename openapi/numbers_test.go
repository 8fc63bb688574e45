package openapi

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOutOfRangeNumbers pins issue 18 item 9: a number kin-openapi cannot
// hold is a warning about its schema, not a failed load, and the rest of
// the document plans as before.
func TestOutOfRangeNumbers(t *testing.T) {
	tests := []struct {
		name, file, data string
		warnings         []string
	}{
		{
			name: "JSON", file: "n.json",
			data: `{"openapi": "3.0.3", "info": {"title": "n", "version": "1"}, "paths": {"/t": {"post": {
				"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}, "example": {"amount": 1e400}}}},
				"responses": {"201": {"description": "ok"}}}}},
				"components": {"schemas": {"T": {"type": "object", "properties": {
					"amount": {"type": "number", "maximum": 1e400, "minimum": -1e999},
					"name": {"type": "string", "maxLength": -1, "minLength": 2.5}}}}}}`,
			warnings: []string{
				"schema #/components/schemas/T/properties/amount: maximum 1e400 is out of range, ignored",
				"schema #/components/schemas/T/properties/amount: minimum -1e999 is out of range, ignored",
				"schema #/components/schemas/T/properties/name: maxLength -1 is not a count, ignored",
				"schema #/components/schemas/T/properties/name: minLength 2.5 is not a count, ignored",
				"kept 1 number(s) too large for a float64 in example values as text",
			},
		},
		{
			name: "YAML", file: "n.yaml",
			data: `openapi: 3.0.3
info: {title: n, version: "1"}
paths:
  /t:
    post:
      parameters:
        - {name: n, in: query, schema: {type: integer, maximum: 1e400, multipleOf: 0}}
      responses: {"201": {description: ok}}
`,
			warnings: []string{
				"schema #/paths/~1t/post/parameters/0/schema: maximum 1e400 is out of range, ignored",
				"schema #/paths/~1t/post/parameters/0/schema: multipleOf 0 is not above 0, ignored",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := LoadData(context.Background(), []byte(tt.data), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.warnings, doc.Warnings); diff != "" {
				t.Errorf("Warnings (-want +got):\n%s", diff)
			}
			ops, err := Plan(context.Background(), doc, PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) != 1 || ops[0].Skip != "" {
				t.Errorf("not planned: %+v", ops)
			}
		})
	}
}
