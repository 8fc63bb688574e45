package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// What the user tells idemcheck about one operation (the configuration
// file's operations section) replaces what the planner would guess: the
// body, path parameter values, the key's location. A configured value is
// still proven valid against the document like a synthesized one, so a typo
// in the configuration is a Skip that names it, never an invalid request
// sent to the server.

// Override is the configuration of one operation. The zero value changes
// nothing.
type Override struct {
	// Source says where it was configured, e.g. "idemcheck.yaml:12", so
	// that planning messages point at the line to fix.
	Source string
	// Body replaces the synthesized body when HasBody is set.
	Body    any
	HasBody bool
	// PathParams are path parameter values by name.
	PathParams map[string]string
	// PathLinks are path parameters taken from another operation's
	// response, by name (chainplan.go).
	PathLinks map[string]PathLink
	// KeyFormat is the key's format ("uuid", …; keyformat.go), winning over
	// the document and the --key-format flag; "" keeps them.
	KeyFormat string
	// IgnoreFields are volatile response fields (JSON pointers) of this
	// operation, added to the global ones.
	IgnoreFields []string
	// KeyHeader or KeyField says where the key goes, overriding detection
	// and the --key-header/--key-field flags; KeyRequired marks it required
	// when the document does not say so.
	KeyHeader, KeyField string
	KeyRequired         bool
	// ErrorBody, when HasErrorBody is set, is the request that fails with a
	// business error (error-replay); it wins over the document's.
	ErrorBody    any
	HasErrorBody bool
}

// override returns the configuration of r, by operationId or "METHOD /path".
func (o PlanOptions) override(r opRef) *Override {
	if len(o.Overrides) == 0 {
		return nil
	}
	if r.op.OperationID != "" {
		if ov := o.Overrides[r.op.OperationID]; ov != nil {
			return ov
		}
	}
	for name, ov := range o.Overrides {
		if r.name().Matches(name) {
			return ov
		}
	}
	return nil
}

// body returns the configured body, a deep copy so planning never changes
// the configuration.
func (ov *Override) body() (any, bool) {
	if ov == nil || !ov.HasBody {
		return nil, false
	}
	return deepCopy(ov.Body), true
}

// pathParam returns the configured value of a path parameter.
func (ov *Override) pathParam(p *openapi3.Parameter) (string, bool) {
	if ov == nil || p.In != openapi3.ParameterInPath {
		return "", false
	}
	v, ok := ov.PathParams[p.Name]
	return v, ok
}

// explain prefixes a planning failure with the configuration it rests on,
// so the user knows the configured body or parameters are what is invalid.
func (ov *Override) explain(skip string) string {
	if ov == nil || skip == "" || (!ov.HasBody && len(ov.PathParams) == 0) {
		return skip
	}
	return fmt.Sprintf("the request configured in %s is not valid for the document: %s", ov.Source, skip)
}

// configuredKey applies the configured key location to the detected key.
func (s *synth) configuredKey(detected Key) Key {
	ov := s.ov
	if ov == nil || (ov.KeyHeader == "" && ov.KeyField == "") {
		return detected
	}
	k := detectKey(s.t, s.r, s.params, s.media, PlanOptions{KeyHeader: ov.KeyHeader, KeyField: ov.KeyField})
	k.Source = ov.Source
	k.Required = k.Required || ov.KeyRequired
	return k
}

// unknownPathParams lists configured path parameters the operation does not
// have, as a planning failure; "" when all are known.
func (s *synth) unknownPathParams() string {
	if s.ov == nil || len(s.ov.PathParams)+len(s.ov.PathLinks) == 0 {
		return ""
	}
	known := map[string]bool{}
	var names []string
	for _, p := range s.params {
		if p.In == openapi3.ParameterInPath {
			known[p.Name] = true
			names = append(names, p.Name)
		}
	}
	var unknown []string
	for name := range s.ov.PathParams {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	for name := range s.ov.PathLinks {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return ""
	}
	sort.Strings(unknown)
	sort.Strings(names)
	return fmt.Sprintf("%s: path_params: unknown parameter %s (the operation has: %s)",
		s.ov.Source, strings.Join(unknown, ", "), orNone(names))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
