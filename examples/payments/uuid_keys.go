package payments

import (
	"bytes"
	"fmt"
	"regexp"
)

// Many idempotency middlewares accept only UUID keys and say so in the
// document (`format: uuid`, 36 characters). Options.UUIDKeys serves the
// correct API that way: any other key is refused with 400, which a client
// that ignores the declared format meets on every request.

// uuidKey matches a UUID in its canonical 8-4-4-4-12 form.
var uuidKey = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidKeyEdits turn Spec into UUIDSpec: the key parameter's schema.
var uuidKeyEdits = []struct{ old, new string }{
	{`        A unique key chosen by the client (a UUID is a good choice), 1 to 255
        characters.`, `        A unique key chosen by the client: a UUID.`},
	{`      schema:
        type: string
        minLength: 1
        maxLength: 255
      example: 8e03978e-40d5-43e8-bc93-6894a57f9324`, `      schema:
        type: string
        format: uuid
        minLength: 36
        maxLength: 36
      example: 8e03978e-40d5-43e8-bc93-6894a57f9324`},
}

// UUIDSpec is the document of the API served with Options.UUIDKeys: the
// key declared a UUID. It panics if Spec no longer contains the text it
// edits, which a test pins.
func UUIDSpec() []byte {
	doc := Spec
	for _, e := range uuidKeyEdits {
		if !bytes.Contains(doc, []byte(e.old)) {
			panic(fmt.Sprintf("payments: UUIDSpec: openapi.yaml no longer contains %q", e.old))
		}
		doc = bytes.Replace(doc, []byte(e.old), []byte(e.new), 1)
	}
	return doc
}

// uuidProblem is why key is refused under Options.UUIDKeys; "" when it is
// accepted.
func (s *server) uuidProblem(key string) string {
	if !s.opts.UUIDKeys || uuidKey.MatchString(key) {
		return ""
	}
	return "the Idempotency-Key must be a UUID (8-4-4-4-12 hex digits)"
}
