package probes

import (
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// keyFor is a fresh key for op (none when op takes none), in the shape its key must have
// (openapi.KeyFormat: a UUID, a pattern, a length): Config.NewKey's seed,
// reshaped, with the experiment's id carried where the shape has room, so
// a key in a server's log names the experiment that sent it.
func (x *Experiment) keyFor(op *openapi.Operation) string {
	if op.Key.In == openapi.KeyNone {
		return ""
	}
	return x.newKey(op.Key.Format)
}

// newKey is a fresh key in format f (idemcheck's own when nil).
func (x *Experiment) newKey(f *openapi.KeyFormat) string {
	return f.Make(x.run.NewKey(), strings.TrimPrefix(x.canary, canaryTag))
}
