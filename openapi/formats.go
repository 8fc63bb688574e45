package openapi

import (
	"errors"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A request idemcheck proves valid (check.go) must be one a strict server
// accepts: servers and validators such as Prism check the string formats
// whose meaning is unambiguous, while kin-openapi checks none unless asked,
// and knows only date, date-time, byte and the IP addresses when asked. A
// document's own example can break its format (Twilio's SIP domain example
// sends VoiceFallbackUrl "", not a URI), and so can a changed value
// (mismatch-body's uuid with a digit appended): without these checks both
// were sent and refused with 400, and the experiment had no control.
//
// The formats are passed with each validation, never defined with
// kin-openapi's global DefineStringFormatValidator, which would change how
// every other user of kin-openapi in the process validates. Formats with
// room for reading (hostname, phone, password) are left unchecked: a value
// a lenient reading accepts is not proven wrong.

var uuidFormatRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var uuidFormat = openapi3.NewCallbackValidator(func(s string) error {
	if !uuidFormatRE.MatchString(s) {
		return errors.New("not a uuid")
	}
	return nil
})

var strictFormats = map[string]openapi3.StringFormatValidator{
	"uuid": uuidFormat,
	"UUID": uuidFormat, // Cashfree's keys, as TestSpecsValidate reads them
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || u.Scheme == "" {
			return errors.New("not an absolute URI")
		}
		return nil
	}),
	"email": openapi3.NewCallbackValidator(func(s string) error {
		if at := strings.LastIndexByte(s, '@'); at < 1 || at == len(s)-1 {
			return errors.New("not an email address")
		}
		return nil
	}),
	"ipv4": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			return errors.New("not an IPv4 address")
		}
		return nil
	}),
	"ipv6": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is6() {
			return errors.New("not an IPv6 address")
		}
		return nil
	}),
}

// formatOptions make a validation check the strict formats beside
// kin-openapi's own (date, date-time, byte).
var formatOptions = []openapi3.SchemaValidationOption{
	openapi3.EnableFormatValidation(),
	openapi3.WithStringFormatValidators(strictFormats),
}

// requestValidation is VisitJSON's options for a value sent in a request.
func requestValidation() []openapi3.SchemaValidationOption {
	return append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, formatOptions...)
}
