package generic

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// validator holds the schema validation options of one document: JSON
// Schema 2020-12 for OpenAPI 3.1, and the string formats a real server
// checks. The formats are set per validation, never with kin-openapi's
// global DefineStringFormatValidator, which would change how every other
// user of kin-openapi in the process (idemcheck itself, in the tests)
// validates.
type validator struct {
	opts []openapi3.SchemaValidationOption
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// formats are the string formats checked beside kin-openapi's own (date,
// date-time, byte): those whose meaning is unambiguous.
var formats = map[string]openapi3.StringFormatValidator{
	"uuid": openapi3.NewCallbackValidator(func(s string) error {
		if !uuidRE.MatchString(s) {
			return fmt.Errorf("not a uuid")
		}
		return nil
	}),
	"ipv4": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			return fmt.Errorf("not an IPv4 address")
		}
		return nil
	}),
	"ipv6": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is6() {
			return fmt.Errorf("not an IPv6 address")
		}
		return nil
	}),
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || u.Scheme == "" {
			return fmt.Errorf("not an absolute URI")
		}
		return nil
	}),
	"email": openapi3.NewCallbackValidator(func(s string) error {
		if at := strings.LastIndexByte(s, '@'); at < 1 || at == len(s)-1 {
			return fmt.Errorf("not an email address")
		}
		return nil
	}),
}

func newValidator() *validator {
	v := &validator{opts: []openapi3.SchemaValidationOption{
		openapi3.EnableFormatValidation(),
		openapi3.WithStringFormatValidators(formats),
	}}
	// No EnableJSONSchema2020 for 3.1 documents here: it compiles the
	// schema on every call, and the generator checks many small values;
	// the real documents use no keyword only JSON Schema 2020-12 has.
	return v
}

// value checks a response value against s.
func (v *validator) value(s *openapi3.Schema, x any) error {
	return s.VisitJSON(x, append([]openapi3.SchemaValidationOption{openapi3.VisitAsResponse(), openapi3.FailFast()}, v.opts...)...)
}
