package probes

import (
	"context"
	"fmt"
)

// The natural probes test idempotency by method, not by key: a PUT or a
// DELETE is repeated as a client that knows nothing of keys repeats it.
// When the document requires a key (Square's PUT /v2/payments/{payment_id}
// takes idempotency_key in its body), a request without one is a request
// the document forbids: a correct server refuses it (400) and the
// experiment proves nothing. Each request then carries a fresh key of its
// own, so the server processes both, and the key cannot be what makes the
// second harmless: what is judged is still the method's idempotency.

// naturalKeys says how a natural probe keys its requests: none when the
// operation takes no key or takes it optionally, a fresh key per request
// when the document requires one.
type naturalKeys struct {
	x        *Experiment
	required bool
}

func (x *Experiment) naturalKeys() naturalKeys {
	return naturalKeys{x: x, required: x.Op.Key.Required}
}

// send sends the operation's request under label with a fresh key when
// one is required ("first PUT, its own fresh key"), without a key
// otherwise.
func (k naturalKeys) send(ctx context.Context, label string) (*reply, error) {
	if !k.required {
		return k.x.Send(ctx, label, "", nil)
	}
	return k.x.Send(ctx, label+", its own fresh key", k.x.Key(), nil)
}

// note says, for the verdict, that each request had a key of its own; ""
// when none was sent.
func (k naturalKeys) note(method string) string {
	if !k.required {
		return ""
	}
	key := k.x.Op.Key
	return fmt.Sprintf(" (each %s with a fresh key of its own, as the document requires one in %s %s: the second is no retry under the first's key, so no stored result can have made it harmless)", method, key.In, key.Name)
}
