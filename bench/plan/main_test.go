package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-ops", "0"}, {"-ops", "many"}, {"-timeout", "-1s"}, {"extra"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and an error line", args, code, errs.String())
		}
	}
}

// TestGeneratedDocumentPlans pins that the generated document is what the
// benchmark claims: 4 operations per resource, every keyed POST and DELETE
// planned with a valid request, positions and all, and no warning.
func TestGeneratedDocumentPlans(t *testing.T) {
	var b bytes.Buffer
	if err := generate(&b, 40); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	doc, err := openapi.LoadData(ctx, b.Bytes(), "gen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) > 0 {
		t.Errorf("warnings: %q", doc.Warnings)
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 20 {
		t.Fatalf("%d mutating operations, want 20", len(ops))
	}
	for _, o := range ops {
		if o.Skip != "" || o.Position == nil {
			t.Errorf("%s: skip %q, position %v", o.ID, o.Skip, o.Position)
		}
		if o.Method == "POST" && (o.Key.Name != "Idempotency-Key" || o.Collection == nil || o.CreatedPath == "") {
			t.Errorf("%s: key %v, collection %v, created %q", o.ID, o.Key, o.Collection, o.CreatedPath)
		}
	}
}
