package probes

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/idemcheck/idemcheck/openapi"
)

// Removing what a run created (check --cleanup) sends one DELETE per
// resource the run recorded (created.go), nothing else: no list is read,
// no id guessed, so nothing the run did not create is touched. Each goes
// with the user's headers, the principal's that created it in place of
// theirs, through the run's client, timeout and --rate; deeper paths first
// (a refund before its payment), cfg.Parallel at a time. A cancelled ctx
// (--max-duration, a signal) stops it, and what was not sent says so.

// RemoveResult is what became of one created resource.
type RemoveResult struct {
	Created Created
	// Removed is set when the resource is gone by the run's doing: its
	// DELETE answered 2xx now, or the run deleted it already (Reason says
	// how).
	Removed bool
	// Status is the DELETE's status; 0 when none was sent.
	Status int
	// Reason says why it was not removed, or how it was when not now:
	// "no DELETE /v1/emails/{id} in the document", "refused: status 409:
	// \"…\"", "already gone (404)".
	Reason string
}

// Remove removes every created resource it can and returns what became of
// each, in the order given, and how many requests it sent.
func Remove(ctx context.Context, cfg Config, created []Created) ([]RemoveResult, int) {
	e := newRun(cfg)
	var sent atomic.Int64
	ctx = withSentCounter(ctx, &sent)
	out := make([]RemoveResult, len(created))
	var pending []int
	seen := map[string]bool{}
	for i, c := range created {
		out[i].Created = c
		switch {
		case c.Removed != "":
			out[i].Removed, out[i].Reason = true, "by the run: "+c.Removed
		case c.Path == "":
			out[i].Reason = c.Why
		case seen[c.Path]:
			out[i].Removed, out[i].Reason = true, "recorded twice: removed once"
		default:
			seen[c.Path] = true
			pending = append(pending, i)
		}
	}
	// Deeper paths first, newest first among them: children before the
	// parents they hang under, whose DELETE may refuse or cascade.
	slices.SortStableFunc(pending, func(a, b int) int {
		if d := cmp.Compare(depth(created[b].Path), depth(created[a].Path)); d != 0 {
			return d
		}
		return cmp.Compare(created[b].Seq, created[a].Seq)
	})
	for len(pending) > 0 {
		d := depth(created[pending[0]].Path)
		n := 0
		for n < len(pending) && depth(created[pending[n]].Path) == d {
			n++
		}
		removeLevel(ctx, e, pending[:n], out)
		pending = pending[n:]
	}
	return out, int(sent.Load())
}

// removeLevel removes the resources at indexes (one path depth) of out,
// e.Parallel at a time.
func removeLevel(ctx context.Context, e *run, indexes []int, out []RemoveResult) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(e.Parallel, len(indexes)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				removeOne(ctx, e, &out[i])
			}
		}()
	}
	for _, i := range indexes {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// removeOne sends one resource's DELETE and records what became of it.
func removeOne(ctx context.Context, e *run, o *RemoveResult) {
	c := o.Created
	if ctx.Err() != nil {
		o.Reason = fmt.Sprintf("not sent: %v", context.Cause(ctx))
		return
	}
	req, err := deleteRequest(e, c)
	if err != nil {
		o.Reason = err.Error()
		return
	}
	r, err := send(ctx, e, req)
	switch {
	case err != nil:
		o.Reason = fmt.Sprintf("DELETE %s failed: %v", c.Path, err)
	case r.is2xx():
		o.Removed, o.Status = true, r.Status
	case r.Status == http.StatusNotFound || r.Status == http.StatusGone:
		o.Status, o.Reason = r.Status, fmt.Sprintf("already gone (%d)", r.Status)
	default:
		o.Status, o.Reason = r.Status, "refused: "+refusal(r)
	}
}

// deleteRequest builds c's DELETE: the planned DELETE's query, headers and
// body (a fresh key when it takes one) on c's path, with the user's headers
// and the creating principal's in place of theirs.
func deleteRequest(e *run, c Created) (*http.Request, error) {
	op := c.Delete
	if op == nil || op.Request == nil {
		return nil, fmt.Errorf("no planned DELETE for %s", c.Path)
	}
	planned := *op.Request
	planned.Path = c.Path
	header := e.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	for name, vs := range c.Header {
		header[name] = vs
	}
	key := ""
	if op.Key.In != openapi.KeyNone {
		key = e.NewKey()
	}
	return planned.Build(e.BaseURL, op.Key, key, nil, header)
}

// depth is the number of segments of a path.
func depth(p string) int { return strings.Count(strings.TrimRight(p, "/"), "/") }
