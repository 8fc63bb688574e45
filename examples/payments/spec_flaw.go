package payments

import (
	"bytes"
	"fmt"
)

// A document is part of the idempotency contract: a client that is told the
// key is optional sends none, and one that is not told how long keys are
// kept cannot know when a retry is still safe. FlawUndocumentedKey serves
// the correct API with a document that says exactly that little.

// undocumentedKeyEdits turn Spec into FlawUndocumentedKey's document: the
// key parameter optional and undescribed, and no retention anywhere.
var undocumentedKeyEdits = []struct{ old, new string }{
	{"and to the endpoint, and retained for 24 hours.", "and to the endpoint."},
	{`      name: Idempotency-Key
      in: header
      required: true
      description: |
        A unique key chosen by the client (a UUID is a good choice), 1 to 255
        characters. Keys are scoped to the caller and the endpoint and are
        retained for 24 hours; within that time a retry with the same key and
        the same request returns the stored response and creates nothing.
`, `      name: Idempotency-Key
      in: header
      required: false
      description: An optional key chosen by the client.
`},
}

// SpecFor returns the OpenAPI document served with flaw f: Spec itself,
// except for FlawUndocumentedKey. It panics if Spec no longer contains the
// text the flaw edits, which a test pins.
func SpecFor(f Flaw) []byte {
	if f != FlawUndocumentedKey {
		return Spec
	}
	doc := Spec
	for _, e := range undocumentedKeyEdits {
		if !bytes.Contains(doc, []byte(e.old)) {
			panic(fmt.Sprintf("payments: SpecFor(%s): openapi.yaml no longer contains %q", f, e.old))
		}
		doc = bytes.Replace(doc, []byte(e.old), []byte(e.new), 1)
	}
	return doc
}
