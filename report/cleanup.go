package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/idemcheck/idemcheck/probes"
)

// Cleanup is what `check --cleanup` did with the resources the run created
// (probes.Remove): what it removed and what it could not remove, each with
// the canary its create carried, so what stays can be found.
type Cleanup struct {
	// CanaryPrefix starts every canary the run wrote into what it
	// created; each item names its own, whose first part is its
	// experiment's.
	CanaryPrefix string `json:"canary_prefix"`
	// Created is how many resources the run saw itself create.
	Created int `json:"created"`
	// Requests is how many DELETEs the cleanup sent.
	Requests   int           `json:"requests"`
	Removed    []CleanupItem `json:"removed"`
	NotRemoved []CleanupItem `json:"not_removed"`
}

// CleanupItem is one created resource.
type CleanupItem struct {
	// Operation created it: "createPayment (POST /v1/payments)".
	Operation string `json:"operation"`
	ID        string `json:"id,omitempty"`
	// Delete is the DELETE sent or that would be sent ("DELETE
	// /v1/payments/pay_1"); "" when the document has none.
	Delete string `json:"delete,omitempty"`
	Canary string `json:"canary,omitempty"`
	// Status is the DELETE's answer; 0 when none was sent.
	Status int `json:"status,omitempty"`
	// Reason says why it was not removed ("the document has no DELETE
	// /v1/emails/{id}", "refused: status 409: …", "already gone (404)"), or
	// how the run removed it before the cleanup.
	Reason string `json:"reason,omitempty"`
}

// WriteCreated says what the run left on the server, after its summary:
// the cleanup's outcome (check --cleanup), or else how many resources the
// run created and how to remove them; nothing when it created none.
func WriteCreated(w io.Writer, run *Run, useColor bool) error {
	if run.Cleanup != nil {
		return WriteCleanup(w, run.Cleanup, useColor)
	}
	n := 0
	for _, r := range run.Results {
		n += len(r.Created)
	}
	if n == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "the run created %d resources on the server (their canaries start %q); --cleanup removes them\n", n, probes.CanaryTag)
	return err
}

// WriteCleanup writes the cleanup for a person: how many of the created
// resources were removed, and what was not, grouped by operation and
// reason, with the canaries to find them by.
func WriteCleanup(w io.Writer, c *Cleanup, useColor bool) error {
	if c == nil {
		return nil
	}
	p := newPalette(useColor)
	ew := &errWriter{w: w}
	ew.printf("cleanup: removed %d of %d created resources (%s)\n", len(c.Removed), c.Created, plural(c.Requests, "DELETE"))
	type group struct {
		what    string
		canary  []string
		n       int
		example string
	}
	groups := map[string]*group{}
	for _, it := range c.NotRemoved {
		k := it.Operation + "\x00" + it.Reason
		g := groups[k]
		if g == nil {
			g = &group{what: fmt.Sprintf("%s: %s", sanitizeLine(it.Operation), sanitizeLine(it.Reason))}
			groups[k] = g
		}
		g.n++
		if it.Canary != "" && len(g.canary) < 3 {
			g.canary = append(g.canary, sanitizeLine(it.Canary))
		}
		if g.example == "" && it.ID != "" {
			g.example = sanitizeLine(it.ID)
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := groups[k]
		line := fmt.Sprintf("  %s  %d × %s", p.fail.Sprint("not removed"), g.n, g.what)
		if g.example != "" {
			line += " (e.g. " + g.example + ")"
		}
		if len(g.canary) > 0 {
			line += p.faint.Sprintf("; canary %s…", g.canary[0])
		}
		ew.printf("%s\n", line)
	}
	if len(c.NotRemoved) > 0 && c.CanaryPrefix != "" {
		ew.printf("  what stays carries a canary starting %q in its free-form field\n", c.CanaryPrefix)
	}
	if ew.err != nil {
		return fmt.Errorf("write cleanup: %w", ew.err)
	}
	return nil
}

// cleanup scrubs a cleanup's strings: the server chose its ids and wrote
// its refusals.
func (r *Redactor) cleanup(c *Cleanup) *Cleanup {
	if c == nil {
		return nil
	}
	out := *c
	scrub := func(items []CleanupItem) []CleanupItem {
		res := make([]CleanupItem, len(items))
		for i, it := range items {
			it.Operation, it.ID, it.Delete = r.String(it.Operation), r.String(it.ID), r.String(it.Delete)
			it.Canary, it.Reason = r.String(it.Canary), r.String(it.Reason)
			res[i] = it
		}
		return res
	}
	out.Removed, out.NotRemoved = scrub(c.Removed), scrub(c.NotRemoved)
	return &out
}
