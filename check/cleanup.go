package check

import (
	"context"

	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// The run leaves on the server what its requests created; Options.Cleanup
// removes it afterwards (probes.Remove), within what is left of
// --max-duration and at --rate, and the report says what was removed and
// what was not.

// takeCreated collects what every experiment created, in order, and leaves
// in the results only what reports may show: the creating principal's
// header values are kept for the cleanup alone.
func takeCreated(results []probes.Result) []probes.Created {
	var created []probes.Created
	for i := range results {
		created = append(created, results[i].Created...)
		shown := make([]probes.Created, len(results[i].Created))
		for j, c := range results[i].Created {
			c.Header = nil
			shown[j] = c
		}
		results[i].Created = shown
	}
	return created
}

// cleanup removes what the run created and says how it went.
func cleanup(ctx context.Context, conf probes.Config, created []probes.Created) *report.Cleanup {
	outs, sent := probes.Remove(ctx, conf, created)
	c := &report.Cleanup{
		CanaryPrefix: probes.CanaryTag,
		Created:      len(created),
		Requests:     sent,
		Removed:      []report.CleanupItem{},
		NotRemoved:   []report.CleanupItem{},
	}
	for _, o := range outs {
		it := report.CleanupItem{
			Operation: o.Created.Operation,
			ID:        o.Created.ID,
			Canary:    o.Created.Canary,
			Status:    o.Status,
			Reason:    o.Reason,
		}
		if o.Created.Path != "" {
			it.Delete = "DELETE " + o.Created.Path
		}
		if o.Removed {
			c.Removed = append(c.Removed, it)
		} else {
			c.NotRemoved = append(c.NotRemoved, it)
		}
	}
	return c
}
