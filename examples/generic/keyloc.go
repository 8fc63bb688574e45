package generic

import (
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Where a request carries its idempotency key is read from the document,
// the way the provider documents it: a header parameter (Idempotency-Key,
// x-idempotency-key, PayPal-Request-Id), a top-level body property or form
// field (Square's idempotency_key, Twilio's IdempotencyKey, DigitalOcean's
// request_id, whose description says it makes retries safe). An operation
// whose document declares none takes Options.KeyHeader, as Stripe does with
// Idempotency-Key on every POST although its document never says so.

type keyIn int

const (
	keyHeader keyIn = iota
	keyBody         // a top-level JSON property
	keyForm         // a form field (urlencoded or multipart)
)

// keyLoc is where one operation's key is.
type keyLoc struct {
	in       keyIn
	name     string
	declared bool // the document declares it (not Options.KeyHeader)
}

var idemProse = regexp.MustCompile(`(?i)idempoten|\bretr(y|ies|ied)\b|duplicate`)

func isKeyHeaderName(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "paypal-request-id", "repeatability-request-id", "x-amz-idempotency-token":
		return true
	}
	return strings.Contains(n, "idempoten") && !strings.Contains(n, "replay")
}

func isKeyFieldName(name string, s *openapi3.Schema) bool {
	if s == nil || s.Type != nil && !s.Type.Includes(openapi3.TypeString) {
		return false // Plaid's boolean is_idempotent is a flag, not a key
	}
	n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
	switch n {
	case "idempotencykey", "idempotentkey", "idempotencekey", "idempotencytoken":
		return true
	case "requestid", "clientrequestid", "clienttoken":
		return idemProse.MatchString(s.Description)
	}
	return strings.Contains(n, "idempoten") && (strings.HasSuffix(n, "key") || strings.HasSuffix(n, "token") || strings.HasSuffix(n, "id"))
}

// detectKey finds rt's key; GET and HEAD have none.
func detectKey(rt *route, fallback string) keyLoc {
	if rt.method == "GET" || rt.method == "HEAD" {
		return keyLoc{}
	}
	for _, ps := range []openapi3.Parameters{rt.op.Parameters, rt.item.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && isKeyHeaderName(p.Value.Name) {
				return keyLoc{in: keyHeader, name: p.Value.Name, declared: true}
			}
		}
	}
	if rb := rt.op.RequestBody; rb != nil && rb.Value != nil {
		types := make([]string, 0, len(rb.Value.Content))
		for t := range rb.Value.Content {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			mt := rb.Value.Content[t]
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			in := keyBody
			switch base := strings.ToLower(t); {
			case strings.Contains(base, "json"):
			case strings.HasPrefix(base, "application/x-www-form-urlencoded"), strings.HasPrefix(base, "multipart/form-data"):
				in = keyForm
			default:
				continue
			}
			props := properties(mt.Schema.Value)
			names := make([]string, 0, len(props))
			for n := range props {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if p := props[n]; p != nil && isKeyFieldName(n, p.Value) {
					return keyLoc{in: in, name: n, declared: true}
				}
			}
		}
	}
	return keyLoc{in: keyHeader, name: fallback}
}

// properties are the properties of an object schema, allOf parts included,
// then those of its oneOf/anyOf alternatives (the first declaration wins).
func properties(s *openapi3.Schema) openapi3.Schemas {
	out := openapi3.Schemas{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for n, p := range s.Properties {
			if _, ok := out[n]; !ok {
				out[n] = p
			}
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, p := range group {
				if p != nil {
					walk(p.Value, depth+1)
				}
			}
		}
	}
	walk(s, 0)
	return out
}
