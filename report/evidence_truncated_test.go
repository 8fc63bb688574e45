package report

import (
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/probes"
)

// TestResponseSaysTheBodyWasCut: a body idemcheck cut at MaxBody says so
// in the rendered evidence; a whole one says nothing.
func TestResponseSaysTheBodyWasCut(t *testing.T) {
	note := "(body cut by idemcheck after 1048576 bytes)"
	for _, cut := range []bool{true, false} {
		x := probes.Exchange{Response: &probes.Response{Status: 201, Body: "{}", BodyTruncated: cut}}
		if got := formatResponse(x); strings.Contains(got, note) != cut {
			t.Errorf("cut %v: %q", cut, got)
		}
	}
}
