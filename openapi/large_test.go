package openapi

import (
	"context"
	"os"
	"testing"
)

// BenchmarkLoadPlan loads and plans the document named by
// IDEMCHECK_BENCH_SPEC (e.g. one written by go run ./bench/plan -keep DIR),
// for profiling: go test -run '^$' -bench LoadPlan -cpuprofile cpu.out ./openapi
func BenchmarkLoadPlan(b *testing.B) {
	spec := os.Getenv("IDEMCHECK_BENCH_SPEC")
	if spec == "" {
		b.Skip("IDEMCHECK_BENCH_SPEC is not set")
	}
	ctx := context.Background()
	for b.Loop() {
		doc, err := Load(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Plan(ctx, doc, PlanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
