package openapi

import (
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Key detection is deliberately conservative: calling a tracing header such
// as Cashfree's x-request-id a key would make every probe report false
// alarms, and the flags exist for what detection misses.

// keyHeaders are header names (lower case) known to carry an idempotency key.
var keyHeaders = map[string]bool{
	"idempotency-key":          true, // draft-ietf-httpapi-idempotency-key-header, Stripe, Adyen
	"x-idempotency-key":        true, // Cashfree and many others
	"idempotent-key":           true,
	"x-idempotent-key":         true,
	"idempotence-key":          true,
	"x-idempotence-key":        true,
	"paypal-request-id":        true, // PayPal
	"repeatability-request-id": true, // OASIS repeatable requests (Azure)
	"x-amz-idempotency-token":  true,
}

// keyFields are body property names (lower case, without _ and -) known to
// carry a key whatever their description says.
var keyFields = map[string]bool{
	"idempotencykey": true, "idempotentkey": true, "idempotencekey": true,
	"idempotencytoken": true, "clienttoken": true,
}

// maybeKeyFields are names that are keys only when their description says so.
var maybeKeyFields = map[string]bool{
	"requestid": true, "clientrequestid": true, "repeatabilityrequestid": true, "clientreferenceid": true,
}

// idemProse matches descriptions that say a field makes retries safe.
var idemProse = regexp.MustCompile(`(?i)idempoten|\bretr(y|ies|ied)\b|duplicate`)

// detectKey finds where an operation carries its idempotency key.
func detectKey(t *openapi3.T, r opRef, params []*openapi3.Parameter, media *mediaChoice, opts PlanOptions) Key {
	if opts.KeyHeader != "" {
		k := Key{In: KeyHeader, Name: opts.KeyHeader, Source: "--key-header flag"}
		if p := findParam(params, openapi3.ParameterInHeader, opts.KeyHeader); p != nil {
			k.Name, k.Required, k.Format = p.Name, p.Required, keyFormatOf(p.Schema)
		}
		return k
	}
	if opts.KeyField != "" {
		k := Key{In: KeyBodyField, Name: opts.KeyField, Source: "--key-field flag"}
		if media != nil {
			if media.form {
				k.In = KeyFormField
			}
			sc := flatten(media.schema())
			k.Required = contains(sc.Required, opts.KeyField)
			k.Format = keyFormatOf(sc.Properties[opts.KeyField])
		}
		return k
	}
	for _, p := range params {
		if p.In == openapi3.ParameterInHeader && isKeyHeader(p.Name) {
			return Key{In: KeyHeader, Name: p.Name, Required: p.Required, Source: "header parameter", Format: keyFormatOf(p.Schema)}
		}
	}
	if name := fernHeader(t, r.op); name != "" {
		return Key{In: KeyHeader, Name: name, Source: "x-fern-idempotent extension"}
	}
	if media != nil && !media.multipart {
		s := flatten(media.schema())
		for _, name := range sortedKeys(s.Properties) {
			ps := s.Properties[name]
			if ps == nil || ps.Value == nil || !isKeyField(name, ps.Value) {
				continue
			}
			k := Key{In: KeyBodyField, Name: name, Source: "body property"}
			if media.form {
				k.In, k.Source = KeyFormField, "form field"
			}
			k.Required = contains(s.Required, name)
			k.Format = keyFormatOf(ps)
			return k
		}
	}
	return Key{}
}

// isKeyHeader reports whether a header parameter name is an idempotency key.
func isKeyHeader(name string) bool {
	n := strings.ToLower(name)
	if keyHeaders[n] {
		return true
	}
	return strings.Contains(n, "idempoten") && !strings.Contains(n, "replay")
}

// isKeyField reports whether a body property is an idempotency key. Only
// string properties count: Plaid's boolean is_idempotent is a flag.
func isKeyField(name string, s *openapi3.Schema) bool {
	if !isStringSchema(s) {
		return false
	}
	n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
	switch {
	case keyFields[n]:
		return true
	case maybeKeyFields[n]:
		return idemProse.MatchString(s.Description)
	}
	return strings.Contains(n, "idempoten") && (strings.HasSuffix(n, "key") || strings.HasSuffix(n, "token") || strings.HasSuffix(n, "id"))
}

func isStringSchema(s *openapi3.Schema) bool {
	if s.Type == nil || len(*s.Type) == 0 {
		return len(s.Properties) == 0 && s.Items == nil && len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) == 0
	}
	return s.Type.Includes(openapi3.TypeString)
}

// fernHeader implements Fern's convention: an operation marked
// x-fern-idempotent: true uses the first of the document's
// x-fern-idempotency-headers.
func fernHeader(t *openapi3.T, op *openapi3.Operation) string {
	if b, _ := op.Extensions["x-fern-idempotent"].(bool); !b {
		return ""
	}
	hs, _ := t.Extensions["x-fern-idempotency-headers"].([]any)
	for _, h := range hs {
		if m, ok := h.(map[string]any); ok {
			if name, _ := m["header"].(string); name != "" {
				return name
			}
		}
	}
	return "Idempotency-Key"
}

func findParam(params []*openapi3.Parameter, in, name string) *openapi3.Parameter {
	for _, p := range params {
		if p.In == in && strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
