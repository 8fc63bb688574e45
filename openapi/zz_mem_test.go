package openapi

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"
)

func heap(t *testing.T, what string, start time.Time) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("%-10s heap %4d MB  total alloc %5d MB  %s", what, m.HeapAlloc>>20, m.TotalAlloc>>20, time.Since(start).Round(time.Millisecond))
}

func TestZZMem(t *testing.T) {
	spec := os.Getenv("IDEMCHECK_BENCH_SPEC")
	if spec == "" {
		t.Skip()
	}
	start := time.Now()
	data, _ := os.ReadFile(spec)
	heap(t, "read", start)
	tree, err := parseTree(data, spec)
	if err != nil {
		t.Fatal(err)
	}
	heap(t, "parsed", start)
	runtime.KeepAlive(tree)
	tree = nil
	doc, err := Load(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	heap(t, "loaded", start)
	ops, _ := Plan(context.Background(), doc, PlanOptions{})
	heap(t, "planned", start)
	_ = ops
}
