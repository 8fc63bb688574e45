package probes

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Helpers of the natural-put and natural-delete probes. PUT and DELETE need
// no key: RFC 9110 §9.2.2 makes them idempotent by definition, so what is
// judged is the state they leave, read through the GET on the operation's
// own path and the list one level up (openapi.Resource). Both probes run
// alone (exclusive): they change a resource other operations may read or
// count.

// naturalRule is the reference both natural probes check.
const naturalRule = "RFC 9110 §9.2.2: PUT and DELETE are idempotent: the intended effect on the server of several identical requests is the same as that of a single one"

// useListObserver makes the list one level up the experiment's side-effect
// observer when it has none and the list passes the read-read control
// (observe_control.go). It returns a note for the verdict when the list was
// tried and could not be used.
func useListObserver(ctx context.Context, x *Experiment) string {
	r := x.Op.Resource
	if x.Observer != nil || r == nil || r.List == "" {
		return ""
	}
	o := &CollectionObserver{Path: r.List, Pointer: r.ListPointer, Read: r.ListRead}
	if note := vetInferred(ctx, x.Env, o); note != "" {
		return " (" + note + ")"
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
