package report

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// writeObservations prints, per planned operation, which observer counts
// its side effects and why (or why none does), the GET its state is read
// back with, and the required parameters its reads carry: what plan owes a
// user who wonders why a verdict "did not observe side effects".
func writeObservations(w io.Writer, ops []openapi.Operation) {
	for _, op := range ops {
		ob := op.Observation
		if op.Skip != "" || ob == nil {
			continue
		}
		if ob.By != "" {
			fmt.Fprintf(w, "%s: observer %s: %s\n", op.ID, ob.By, ob.Why)
		} else {
			fmt.Fprintf(w, "%s: no observer (%s)\n", op.ID, strings.TrimPrefix(ob.Why, "none: "))
		}
		if ob.ReadBack != "" {
			fmt.Fprintf(w, "%s: state read back with GET %s\n", op.ID, ob.ReadBack)
		}
		for _, r := range plannedReads(&op) {
			if len(r.Query) == 0 && len(r.Header) == 0 {
				continue
			}
			fmt.Fprintf(w, "%s: reads GET %s%s\n", op.ID, r.Path, readParams(r))
		}
	}
}

// plannedReads are the distinct reads of op's observers and state.
func plannedReads(op *openapi.Operation) []*openapi.Request {
	var out []*openapi.Request
	add := func(r *openapi.Request) {
		if r == nil {
			return
		}
		for _, o := range out {
			if o.Path == r.Path {
				return
			}
		}
		out = append(out, r)
	}
	if op.Collection != nil {
		add(op.Collection.Read)
	}
	add(op.CreatedRead)
	if op.Resource != nil {
		add(op.Resource.GetRead)
		add(op.Resource.ListRead)
	}
	return out
}

// readParams renders a read's required query and headers:
// "?status=pending [x-api-version: 2025-01-01]".
func readParams(r *openapi.Request) string {
	var b strings.Builder
	if len(r.Query) > 0 {
		b.WriteString("?" + r.Query.Encode())
	}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	var hs []string
	for _, name := range names {
		hs = append(hs, http.CanonicalHeaderKey(name)+": "+strings.Join(r.Header[name], ", "))
	}
	if len(hs) > 0 {
		b.WriteString(" [" + strings.Join(hs, "; ") + "]")
	}
	return b.String()
}
