package report

import (
	"fmt"
	"io"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// costJSON is a plan's estimate in plan --json: per operation (by id) and
// in total, each with its probes'.
type costJSON struct {
	// Note says what the numbers count.
	Note       string              `json:"note"`
	Setup      probes.Cost         `json:"setup"`
	Total      probes.Cost         `json:"total"`
	Operations []operationCostJSON `json:"operations"`
}

type operationCostJSON struct {
	ID string `json:"id"`
	probes.Cost
	Probes []probes.ProbeCost `json:"probes"`
}

// costNote says what an estimate counts, for plan --json.
const costNote = "requests a default check sends to a correct API whose reads are immediately consistent, with every loop at its bound; conditional ones only while concurrent finds no defect (its quick rounds stop at the first round that shows one); creates: resources left behind at most, parents included (check --cleanup removes them)"

func costOf(rc probes.RunCost) costJSON {
	out := costJSON{Note: costNote, Setup: rc.Setup, Total: rc.Total, Operations: []operationCostJSON{}}
	for _, oc := range rc.Operations {
		ps := oc.Probes
		if ps == nil {
			ps = []probes.ProbeCost{}
		}
		out.Operations = append(out.Operations, operationCostJSON{ID: oc.Op.ID, Cost: oc.Cost, Probes: ps})
	}
	return out
}

// costByOperation indexes an estimate by "METHOD /path".
func costByOperation(rc probes.RunCost) map[string]probes.Cost {
	m := make(map[string]probes.Cost, len(rc.Operations))
	for _, oc := range rc.Operations {
		m[oc.Op.Name()] = oc.Cost
	}
	return m
}

// removalLine says how what an operation creates is removed.
func removalLine(r *openapi.Removal) string {
	if r.Delete == "" {
		return "what it creates is not removable: " + r.None
	}
	return "removed by " + r.String() + " (check --cleanup)"
}

// writeCostTotal ends a plan with what a default check costs the server.
func writeCostTotal(w io.Writer, rc probes.RunCost) error {
	t := rc.Total
	_, err := fmt.Fprintf(w, "a check sends about %d requests to a correct API", t.Requests)
	if err == nil && t.Conditional > 0 {
		_, err = fmt.Fprintf(w, " (%d of them only while concurrent finds no defect)", t.Conditional)
	}
	if err == nil {
		_, err = fmt.Fprintf(w, " and leaves at most %d resources on it (check --cleanup removes them)\n", t.Creates)
	}
	return err
}
