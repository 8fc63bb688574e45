package probes

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/idemcheck/idemcheck/openapi"
)

// The natural probes compare the state a PUT or DELETE leaves, read back
// with the GET on its path. Some GETs answer differently on every read: a
// fresh request id, a "fetched_at" timestamp, an etag or even an id
// rendered anew. Compared as they are, any such field makes "the second
// PUT changed /created_at" out of nothing. So the state gets a read-read
// control like any observer (observe_control.go): read twice with nothing
// sent in between, the fields that differ are volatile and left out of the
// comparison (the result names them), and when everything differs the
// state is not compared at all (the verdict rests on the responses, and
// says so). A field that changes only slowly (a "now" timestamp with a
// resolution of a second) may not change within the control's pause; so
// when the comparison finds a change, the state is read twice more after
// the treatment, stateConfirmPause apart, and what changes by itself there
// is volatile too. A change the treatment made stays put in both readings.

// stateConfirmPause is the pause between the two readings that confirm a
// change: longer than the coarsest timestamp resolution servers render.
const stateConfirmPause = 1100 * time.Millisecond

// stateRead is the planned read-back of the operation's resource.
func (x *Experiment) stateRead() (path string, read *openapi.Request) {
	if x.Op.Resource == nil {
		return "", nil
	}
	return x.Op.Resource.Get, x.Op.Resource.GetRead
}

// stateControl reads the resource a second time, controlPause after first
// (a reading taken with nothing sent since), and returns that second
// reading with the fields that differ between the two (volatile, JSON
// pointers). skip says why the state cannot be compared: the two readings
// differ in status, or in every field.
func (x *Experiment) stateControl(ctx context.Context, first *reply, label string) (second *reply, volatile []string, skip string, err error) {
	path, read := x.stateRead()
	if err := sleep(ctx, controlPause); err != nil {
		return nil, nil, "", err
	}
	second, err = x.getResource(ctx, label, path, read)
	if err != nil {
		return nil, nil, fmt.Sprintf("GET %s failed on a second read (%v), so the state is not compared", path, err), nil
	}
	if second.Status != first.Status {
		return nil, nil, fmt.Sprintf("GET %s answered %d, then %d with nothing sent in between, so the state is not compared", path, first.Status, second.Status), nil
	}
	if !second.is2xx() {
		return second, nil, "", nil // "gone" is one state whatever the body says (natural_delete.go)
	}
	volatile = changedPointers(first, second, x.ignoreFields)
	if len(volatile) > 0 && !hasStableField(second, append(append([]string(nil), x.ignoreFields...), volatile...)) {
		return nil, nil, fmt.Sprintf("every field of GET %s differs between two reads with nothing sent in between, so the state is not compared", path), nil
	}
	return second, volatile, "", nil
}

// compareState diffs the state before and after a treatment, leaving out
// the ignored and volatile fields. A difference is confirmed (see above):
// what changes between two more readings after the treatment is volatile
// too. It returns the diff, the top-level fields that changed, and every
// volatile field found.
func (x *Experiment) compareState(ctx context.Context, before, after *reply, volatile []string, label string) (diff string, changed, allVolatile []string, err error) {
	ignore := append(append([]string(nil), x.ignoreFields...), volatile...)
	diff, changed = stateDiff(before, after, ignore)
	if diff == "" {
		return "", nil, volatile, nil
	}
	path, read := x.stateRead()
	if err := sleep(ctx, stateConfirmPause); err != nil {
		return "", nil, nil, err
	}
	again, err := x.getResource(ctx, label, path, read)
	if err != nil || again.Status != after.Status {
		return diff, changed, volatile, nil // the change stands as read
	}
	more := changedPointers(after, again, ignore)
	if len(more) == 0 {
		return diff, changed, volatile, nil
	}
	volatile = append(volatile, more...)
	ignore = append(ignore, more...)
	diff, changed = stateDiff(before, after, ignore)
	return diff, changed, volatile, nil
}

// volatileNote says which fields were left out as volatile.
func volatileNote(path string, volatile []string) string {
	if len(volatile) == 0 {
		return ""
	}
	v := append([]string(nil), volatile...)
	sort.Strings(v)
	if len(v) > 10 {
		v = append(v[:10], fmt.Sprintf("… and %d more", len(volatile)-10))
	}
	return fmt.Sprintf("GET %s reads differently by itself (with nothing sent in between) in %s: volatile, left out of the state comparison", path, strings.Join(v, ", "))
}

// changedPointers are the JSON pointers of the leaves (scalars, or arrays
// of another length) that differ between two readings, ignored fields
// left out; [""] (the whole body) when a body is not JSON and differs.
func changedPointers(a, b *reply, ignore []string) []string {
	va, vb := view(a, ignore).Body, view(b, ignore).Body
	var out []string
	var walk func(p string, x, y any, depth int)
	walk = func(p string, x, y any, depth int) {
		if depth > 32 {
			if !cmp.Equal(x, y) {
				out = append(out, p)
			}
			return
		}
		switch tx := x.(type) {
		case map[string]any:
			ty, ok := y.(map[string]any)
			if !ok {
				out = append(out, p)
				return
			}
			for k, e := range tx {
				walk(p+"/"+escapeToken(k), e, ty[k], depth+1)
			}
			for k, e := range ty {
				if _, seen := tx[k]; !seen {
					walk(p+"/"+escapeToken(k), nil, e, depth+1)
				}
			}
		case []any:
			ty, ok := y.([]any)
			if !ok || len(ty) != len(tx) {
				out = append(out, p)
				return
			}
			for i := range tx {
				walk(p+"/"+strconv.Itoa(i), tx[i], ty[i], depth+1)
			}
		default:
			if !cmp.Equal(x, y) {
				out = append(out, p)
			}
		}
	}
	walk("", va, vb, 0)
	if len(out) == 1 && out[0] == "" && !isJSON(a) {
		return out
	}
	sort.Strings(out)
	return out
}

// hasStableField reports whether a reading keeps a scalar once the
// ignored fields are left out: something is left to compare.
func hasStableField(r *reply, ignore []string) bool {
	for _, p := range ignore {
		if p == "" {
			return false // the whole body
		}
	}
	var leaf func(v any) bool
	leaf = func(v any) bool {
		switch t := v.(type) {
		case map[string]any:
			for _, e := range t {
				if leaf(e) {
					return true
				}
			}
			return false
		case []any:
			for _, e := range t {
				if leaf(e) {
					return true
				}
			}
			return false
		case nil:
			return false
		}
		return true
	}
	return leaf(view(r, ignore).Body)
}

// isJSON reports whether a reply's body parsed as JSON.
func isJSON(r *reply) bool {
	var v any
	return len(r.Body) > 0 && unmarshalJSON(r.Body, &v) == nil
}

// escapeToken escapes a JSON pointer token (RFC 6901).
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// getResource GETs path (a concrete path under the base URL) with the
// planned read's query parameters and headers (nil: a bare GET; the user's
// headers win) and records the exchange under label.
func (x *Experiment) getResource(ctx context.Context, label, path string, read *openapi.Request) (*reply, error) {
	req, err := http.NewRequest(http.MethodGet, readURL(x.run.BaseURL, path, read), http.NoBody)
	if err != nil {
		return nil, err
	}
	for name, vs := range readHeader(read) {
		req.Header[http.CanonicalHeaderKey(name)] = vs
	}
	req.Header.Set("Accept", "application/json")
	for name, vs := range x.run.Header {
		req.Header[name] = vs
	}
	return x.Do(ctx, label, req)
}
