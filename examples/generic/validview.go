package generic

import (
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// kin-openapi validates every value of an OpenAPI 3.1 document with its
// JSON Schema 2020-12 validator (openapi3filter adds EnableJSONSchema2020
// for such documents), which compiles the schema anew on every call: on
// Adyen's document that was 70 % of the server's time, 2.5 CPU-seconds per
// operation checked. And for a schema that has a $ref and no keyword only
// JSON Schema 2020-12 has, kin-openapi then throws the compiled schema
// away and validates with its OpenAPI validator anyway.
//
// So a 3.1 document none of whose schemas uses such a keyword (const,
// prefixItems, if/then/else, unevaluated*, dependent*, patternProperties,
// propertyNames, contains, $defs, contentSchema) is validated with the
// OpenAPI validator throughout: openapi3filter is given a view of the
// document that says 3.0. The two validators check the same keywords
// (types with "null", enum, formats, patterns, bounds, required,
// additionalProperties, allOf/oneOf/anyOf/not), so every check is still
// made. A document that uses one of those keywords stays on the 2020-12
// validator: slow, and exact. Every real document in ../shared/specs that
// is 3.1 (Adyen's) takes the fast way.
//
// nullable is no keyword of 3.1 (a type that lists "null" says it), and
// kin-openapi's 2020-12 path ignores it; the OpenAPI validator would
// honour it. So a 3.1 document's nullable is cleared when it is loaded
// (Adyen's merchantRefundReason says nullable: true beside type: string),
// and each is a document issue.

// dropNullable clears the nullable of every schema of a 3.1 document and
// returns a note when there was one.
func dropNullable(doc *openapi3.T) []string {
	if !doc.IsOpenAPI31OrLater() {
		return nil
	}
	var where []string
	_ = doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
		if ref.Value.Nullable {
			ref.Value.Nullable = false
			where = append(where, ptr)
		}
		return nil
	})
	if len(where) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d schemas of this OpenAPI %s document say nullable, which 3.1 does not have (a type that lists \"null\" says it): ignored, as kin-openapi's 3.1 validation does (first: %s)", len(where), doc.OpenAPI, where[0])}
}

// validationView is the document openapi3filter validates requests and
// responses against.
func validationView(doc *openapi3.T) *openapi3.T {
	if !doc.IsOpenAPI31OrLater() || needs2020(doc) {
		return doc
	}
	view := *doc // shares everything; only the version differs
	view.OpenAPI = "3.0.3"
	return &view
}

var errFound = errors.New("found")

// needs2020 reports whether a schema of doc uses a keyword the OpenAPI
// validator does not check the way JSON Schema 2020-12 does.
func needs2020(doc *openapi3.T) bool {
	err := doc.WalkSchemas(func(_ string, ref *openapi3.SchemaRef) error {
		if s := ref.Value; s.Const != nil || len(s.PrefixItems) > 0 || s.Contains != nil ||
			len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || s.PropertyNames != nil ||
			s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
			s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
			s.If != nil || s.Then != nil || s.Else != nil || len(s.DependentRequired) > 0 ||
			len(s.Defs) > 0 || s.ContentSchema != nil {
			return errFound
		}
		return nil
	})
	return errors.Is(err, errFound)
}
