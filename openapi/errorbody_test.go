package openapi

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const errorBodyDoc = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /charges:
    post:
      operationId: %s
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
%s      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties: {amount: {type: integer, minimum: 1}}
%s      responses:
        '201': {description: ok}
        '402':
          description: declined
          content:
            application/json:
              schema: {type: object}
%s`

func TestErrorBody(t *testing.T) {
	tests := []struct {
		name, ext, reqExamples, respExamples string
		want                                 any // nil: no error body
		note                                 string
	}{
		{name: "extension", ext: "      x-idemcheck-error-body: {amount: 4000}\n", want: map[string]any{"amount": float64(4000)}},
		{name: "invalid extension", ext: "      x-idemcheck-error-body: {amount: 0}\n", note: "not valid against the document"},
		{
			name:         "paired named examples",
			reqExamples:  "            examples:\n              ok: {value: {amount: 10}}\n              declined: {value: {amount: 4000}}\n",
			respExamples: "              examples:\n                declined: {value: {error: declined}}\n",
			want:         map[string]any{"amount": float64(4000)},
		},
		{
			name:        "unpaired examples",
			reqExamples: "            examples:\n              ok: {value: {amount: 10}}\n              declined: {value: {amount: 4000}}\n",
		},
		{name: "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := strings.ReplaceAll(tt.name, " ", "_")
			src := errorBodyDoc
			for _, part := range []string{id, tt.ext, tt.reqExamples, tt.respExamples} {
				src = strings.Replace(src, "%s", part, 1)
			}
			d, err := LoadData(context.Background(), []byte(src), id+".yaml")
			if err != nil {
				t.Fatal(err)
			}
			ops, err := Plan(context.Background(), d, PlanOptions{})
			if err != nil || len(ops) != 1 || ops[0].Skip != "" {
				t.Fatalf("plan: %v %+v", err, ops)
			}
			if tt.want != nil && cmp.Equal(ops[0].Request.Body.Value, tt.want) {
				t.Errorf("the error request was planned as the request itself: %v", ops[0].Request.Body.Value)
			}
			var got any
			if b := ops[0].ErrorBody; b != nil {
				got = b.Value
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ErrorBody (-want +got):\n%s", diff)
			}
			if tt.note != "" && !strings.Contains(strings.Join(ops[0].Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", ops[0].Notes, tt.note)
			}
		})
	}
}
