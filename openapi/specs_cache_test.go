package openapi

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// specDocs holds each real-world document loaded once per test binary run,
// and its plans, shared read-only by the tests that read them: Load of
// Stripe's or DigitalOcean's document takes seconds, ten times that under
// -race, and the tests below loaded each document five times or more.
var specDocs sync.Map // path → *specDoc

type specDoc struct {
	once     sync.Once
	doc      *Document
	err      error
	loadTime time.Duration

	mu    sync.Mutex // one Plan of the document at a time
	plans map[string]*specPlan
}

type specPlan struct {
	ops     []Operation
	err     error
	elapsed time.Duration
}

func specDocOf(path string) *specDoc {
	d, _ := specDocs.LoadOrStore(path, &specDoc{})
	return d.(*specDoc)
}

// loadSpec is Load(path), loaded once. The Document is shared: read it,
// never change it.
func loadSpec(path string) (*Document, time.Duration, error) {
	d := specDocOf(path)
	d.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		start := time.Now()
		d.doc, d.err = Load(ctx, path)
		d.loadTime = time.Since(start)
	})
	return d.doc, d.loadTime, d.err
}

// planLoadedSpec is Plan(loadSpec(path), opts), planned once per opts (the
// tests plan whole documents, with or without --key-header). The
// operations are shared: read them, copy one to change it.
func planLoadedSpec(path string, opts PlanOptions) ([]Operation, time.Duration, error) {
	doc, _, err := loadSpec(path)
	if err != nil {
		return nil, 0, err
	}
	d := specDocOf(path)
	d.mu.Lock()
	defer d.mu.Unlock()
	key := fmt.Sprintf("%#v", opts)
	if p, ok := d.plans[key]; ok {
		return p.ops, p.elapsed, p.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	ops, err := Plan(ctx, doc, opts)
	p := &specPlan{ops: ops, err: err, elapsed: time.Since(start)}
	if d.plans == nil {
		d.plans = map[string]*specPlan{}
	}
	d.plans[key] = p
	return p.ops, p.elapsed, p.err
}
