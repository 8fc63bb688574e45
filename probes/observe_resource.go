package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/idemcheck/idemcheck/openapi"
)

// maxResources bounds the created resources one experiment reads back.
const maxResources = 50

// ResourceObserver reads back what a create made: it learns each created
// resource from a successful response (its Location header, or the id in
// its body, placed in the GET-by-id template the planner found) and counts
// those that exist. Distinct resources from copies that should have been
// one show up as a count above one; a replay that changes the first
// resource shows up in the diff. One observer serves one experiment.
type ResourceObserver struct {
	// Template is the GET-by-id path, concrete but for its last segment:
	// "/v1/payments/{id}" (openapi.Operation.CreatedPath).
	Template string
	// Read is the planned GET-by-id (openapi.Operation.CreatedRead): its
	// required query parameters and headers go with every read; nil for
	// bare GETs.
	Read *openapi.Request

	mu    sync.Mutex
	paths []string // concrete paths of the resources learnt, in order
	from  string   // the planned observer this one derives from (observe_control.go, ofFamily)
}

func (o *ResourceObserver) family() string { return o.from }

// NewResourceObserver returns an observer for the resources at template.
func NewResourceObserver(template string) *ResourceObserver {
	return &ResourceObserver{Template: template}
}

// Name implements Observer.
func (o *ResourceObserver) Name() string { return "resource GET " + o.Template }

// saw implements responseWatcher: it learns the resource a response names.
func (o *ResourceObserver) saw(base string, r *reply) {
	p := o.resourcePath(base, r)
	if p == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, q := range o.paths {
		if q == p {
			return
		}
	}
	if len(o.paths) < maxResources {
		o.paths = append(o.paths, p)
	}
}

// resourcePath finds the created resource's path in a response: Location
// first (when it is on the base URL and matches the template), then the
// body's id.
func (o *ResourceObserver) resourcePath(baseURL string, r *reply) string {
	prefix := o.Template[:strings.LastIndexByte(o.Template, '/')+1]
	if loc := r.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			p := u.Path
			if u.IsAbs() {
				base, _ := url.Parse(baseURL)
				if !sameOrigin(baseURL, u) || base == nil {
					p = ""
				} else {
					p = strings.TrimPrefix(p, strings.TrimRight(base.Path, "/"))
				}
			}
			if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" && !strings.Contains(rest, "/") {
				return p
			}
		}
	}
	var body struct {
		ID any `json:"id"`
	}
	if unmarshalJSON(r.Body, &body) != nil { // jsonnum.go: 64-bit ids stay exact
		return ""
	}
	switch id := body.ID.(type) {
	case string:
		if id != "" {
			return prefix + url.PathEscape(id)
		}
	case json.Number:
		return prefix + id.String()
	}
	return ""
}

// Snapshot implements Observer: it GETs every resource learnt so far and
// counts those that exist (404 and 410 mean gone).
func (o *ResourceObserver) Snapshot(ctx context.Context, a Access) (Snapshot, error) {
	o.mu.Lock()
	paths := append([]string(nil), o.paths...)
	o.mu.Unlock()
	snap := Snapshot{Items: []Item{}}
	for _, p := range paths {
		r, v, err := getJSON(ctx, a, readURL(a.BaseURL, p, o.Read), readHeader(o.Read))
		if r != nil && (r.Status == http.StatusNotFound || r.Status == http.StatusGone) {
			continue
		}
		if err != nil {
			return Snapshot{}, fmt.Errorf("GET %s: %w", p, err)
		}
		b, _ := json.Marshal(v)
		snap.Items = append(snap.Items, Item{ID: p[strings.LastIndexByte(p, '/')+1:], JSON: string(b)})
	}
	snap.Count = len(snap.Items)
	return snap, nil
}
