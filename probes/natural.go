package probes

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/idemcheck/idemcheck/openapi"
)

// Helpers of the natural-put and natural-delete probes. PUT and DELETE need
// no key: RFC 9110 §9.2.2 makes them idempotent by definition, so what is
// judged is the state they leave, read through the GET on the operation's
// own path and the list one level up (openapi.Resource). Both probes run
// alone (exclusive): they change a resource other operations may read or
// count.

// naturalRule is the reference both natural probes check.
const naturalRule = "RFC 9110 §9.2.2: PUT and DELETE are idempotent: the intended effect on the server of several identical requests is the same as that of a single one"

// getResource GETs path (a concrete path under the base URL) and records
// the exchange under label.
func (x *Experiment) getResource(ctx context.Context, label, path string) (*reply, error) {
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(x.Env.BaseURL, "/")+path, http.NoBody)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	for name, vs := range x.Env.Header {
		req.Header[name] = vs
	}
	return x.Do(ctx, label, req)
}

// sendRequest sends another planned request of the same resource (the PUT
// that creates what a DELETE removes), without a key.
func (x *Experiment) sendRequest(ctx context.Context, label string, r *openapi.Request) (*reply, error) {
	req, err := r.Build(x.Env.BaseURL, openapi.Key{}, "", nil, x.Env.Header)
	if err != nil {
		return nil, err
	}
	return x.Do(ctx, label, req)
}

// useListObserver makes the list one level up the experiment's side-effect
// observer when it has none and the list can be counted. It returns a note
// for the verdict when the list was tried and could not be counted.
func useListObserver(ctx context.Context, x *Experiment) string {
	if x.Observer != nil || x.Op.Resource == nil || x.Op.Resource.List == "" {
		return ""
	}
	o := &CollectionObserver{Path: x.Op.Resource.List}
	if _, err := o.Snapshot(ctx, x.Env); err != nil {
		return fmt.Sprintf(" (the list %s could not be counted: %v)", o.Path, err)
	}
	x.Observer = o
	return ""
}

// stateDiff compares two reads of a resource, ignoring the volatile fields,
// and returns the go-cmp diff "(-want +got)" and the JSON pointers of the
// top-level fields that changed.
func stateDiff(before, after *reply, ignore []string) (diff string, changed []string) {
	diff = diffReplies(before, after, ignore)
	if diff == "" {
		return "", nil
	}
	a, b := view(before, ignore), view(after, ignore)
	ma, _ := a.Body.(map[string]any)
	mb, _ := b.Body.(map[string]any)
	for k := range ma {
		if !cmp.Equal(ma[k], mb[k]) {
			changed = append(changed, "/"+k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			changed = append(changed, "/"+k)
		}
	}
	sort.Strings(changed)
	return diff, changed
}

// timestampHint says, when every changed field looks like an update
// timestamp, that the change may be intended and how to ignore it; a
// version or counter that grows is the defect itself and gets no hint.
func timestampHint(changed []string) string {
	if len(changed) == 0 {
		return ""
	}
	for _, p := range changed {
		n := strings.ToLower(p)
		if !strings.Contains(n, "updated") && !strings.Contains(n, "modified") && !strings.HasSuffix(n, "_at") && !strings.HasSuffix(n, "time") {
			return ""
		}
	}
	return fmt.Sprintf(" (only timestamp-like fields changed: if that is intended, leave them out with --ignore-field %s)", strings.Join(changed, " --ignore-field "))
}
