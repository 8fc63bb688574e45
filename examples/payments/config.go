package payments

import _ "embed"

// Config is the example's idemcheck configuration (idemcheck.yaml): the
// counter observer of the email endpoint, which no list shows.
//
//go:embed idemcheck.yaml
var Config []byte
