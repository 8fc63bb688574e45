package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Snapshot is what an observer saw at one moment.
type Snapshot struct {
	Count int
}

// Observer takes snapshots of a server's state so an experiment can measure
// its side effects instead of assuming them.
type Observer interface {
	// Name says what is observed, e.g. "collection GET /v1/payments".
	Name() string
	Snapshot(ctx context.Context, env *Env) (Snapshot, error)
}

// CollectionObserver counts the items of a list endpoint: the GET beside a POST.
type CollectionObserver struct {
	Path string // concrete path, e.g. "/v1/payments"
}

// Name implements Observer.
func (c *CollectionObserver) Name() string { return "collection GET " + c.Path }

// Snapshot implements Observer: it GETs the list and counts its items.
func (c *CollectionObserver) Snapshot(ctx context.Context, env *Env) (Snapshot, error) {
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(env.BaseURL, "/")+c.Path, http.NoBody)
	if err != nil {
		return Snapshot{}, err
	}
	req.Header.Set("Accept", "application/json")
	for name, vs := range env.Header {
		req.Header[name] = vs
	}
	r, err := send(ctx, env, req)
	if err != nil {
		return Snapshot{}, err
	}
	if !r.is2xx() {
		return Snapshot{}, fmt.Errorf("GET %s answered %d", c.Path, r.Status)
	}
	items, err := listItems(r.Body)
	if err != nil {
		return Snapshot{}, fmt.Errorf("GET %s: %w", c.Path, err)
	}
	return Snapshot{Count: len(items)}, nil
}

// listItems finds the array in a list response: the top level, or the
// conventional envelope fields.
func listItems(body []byte) ([]any, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("list is not JSON: %w", err)
	}
	if a, ok := v.([]any); ok {
		return a, nil
	}
	if m, ok := v.(map[string]any); ok {
		for _, f := range []string{"data", "items", "results"} {
			if a, ok := m[f].([]any); ok {
				return a, nil
			}
		}
	}
	return nil, fmt.Errorf("no array at the top level or in data, items or results")
}

// Measure runs step between two snapshots and records the effect under
// label. observed is false when the operation has no observer.
func (x *Experiment) Measure(ctx context.Context, label string, step func() error) (delta int, observed bool, err error) {
	before, observed, err := x.Snapshot(ctx)
	if err != nil {
		return 0, observed, err
	}
	if err := step(); err != nil {
		return 0, observed, err
	}
	if !observed {
		return 0, false, nil
	}
	after, _, err := x.Snapshot(ctx)
	if err != nil {
		return 0, true, err
	}
	x.mu.Lock()
	x.effects = append(x.effects, Effect{Observer: x.Observer.Name(), Step: label, Before: before, After: after})
	x.mu.Unlock()
	return after - before, true, nil
}

// Effects returns the recorded side-effect observations.
func (x *Experiment) Effects() []Effect {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]Effect(nil), x.effects...)
}
