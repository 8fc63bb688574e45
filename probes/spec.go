package probes

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// specProbe reads the document and sends nothing. A client can only retry
// safely when the document says how: a POST or PATCH must declare its
// idempotency key; a key must be required where the operation moves money
// (an optional key is a duplicate charge waiting for the first client that
// forgets it); and the document must say how long keys are kept, since a
// retry after the key expired is processed again. PUT and DELETE are
// idempotent by definition (RFC 9110 §9.2.2) and need no key. The control is
// the planner's reading of the document (openapi.Docs): an operation whose
// path could not be read is skipped, never judged.
type specProbe struct{}

// Meta's fix covers every finding; Run narrows it to the ones it made.
func (specProbe) Meta(*Profile) Meta {
	return Meta{
		ID:       "spec",
		Title:    "the document declares the key and its retention",
		Severity: Info,
		Rule:     "draft-ietf-httpapi-idempotency-key-header §2.5 (a resource publishes its idempotency specification) and §2.3 (it SHOULD publish its key expiration policy); Stripe and Adyen document a key on every money-moving POST and how long keys are kept",
		Fix:      "declare the idempotency key on every POST and PATCH (required where a duplicate is harmful, always on money-moving operations) and say in its description how long keys are retained",
	}
}

func (specProbe) static() bool { return true }
func (specProbe) Applies(op *openapi.Operation) string {
	switch {
	case op.Docs == nil && op.Skip != "":
		return "the operation could not be read: " + op.Skip
	case op.Docs == nil:
		return "the planner recorded nothing of the document for this operation"
	}
	return ""
}

func (specProbe) Run(_ context.Context, x *Experiment, res *Result) {
	op, d := x.Op, x.Op.Docs
	res.Fix = "" // the fixes for what is missing, below; a document that says all it should needs none
	if op.Method == http.MethodPut || op.Method == http.MethodDelete {
		pass(res, op.Method+" is idempotent by definition (RFC 9110 §9.2.2) and needs no key")
		return
	}
	var problems, fixes []string
	switch {
	case op.Key.In == openapi.KeyNone || !d.KeyDeclared:
		problems = append(problems, fmt.Sprintf("the %s declares no idempotency key", op.Method))
		fixes = append(fixes, "declare the key (an Idempotency-Key header parameter, required where a duplicate is harmful) and describe how long keys are retained")
	default:
		if money := moneyWord(op); money != "" && !op.Key.Required {
			problems = append(problems, fmt.Sprintf("the key %s is optional although the operation moves money (%q)", op.Key.Name, money))
			fixes = append(fixes, "make the key required on money-moving operations and reject requests without it with 400")
		}
		if d.Retention == "" {
			problems = append(problems, fmt.Sprintf("no retention or expiry of %s keys is documented", op.Key.Name))
			fixes = append(fixes, "say in the key's description how long keys are retained (e.g. \"keys expire after 24 hours\") and what a retry after expiry does")
		}
	}
	if len(problems) > 0 {
		res.Fix = strings.Join(fixes, "; ")
		nonconformant(res, strings.Join(problems, "; ")) // the document, not the behaviour
		return
	}
	pass(res, fmt.Sprintf("the key %s is declared%s and its retention is documented: %q", op.Key.Name, requiredNote(op.Key.Required), d.Retention))
}

func requiredNote(required bool) string {
	if required {
		return " (required)"
	}
	return " (optional)"
}

// moneyStems are words that mark an operation as moving money.
var moneyStems = []string{"payment", "charge", "transfer", "payout", "refund", "order", "capture", "withdraw", "withdrawal", "disbursement", "checkout", "purchase", "invoice", "transaction", "remittance"}

// wordSplit finds the words of identifiers and prose: camelCase, snake_case,
// kebab-case and paths alike.
var wordSplit = regexp.MustCompile(`[A-Z]?[a-z]+|[A-Z]+(?:[a-z]+)?`)

// moneyWord returns the first word of op's path, operationId, tags or
// summary that says it moves money, or "".
func moneyWord(op *openapi.Operation) string {
	texts := []string{op.Path, op.ID, op.Docs.Summary}
	texts = append(texts, op.Docs.Tags...)
	for _, t := range texts {
		for _, w := range wordSplit.FindAllString(t, -1) {
			w = strings.ToLower(w)
			for _, stem := range moneyStems {
				if w == stem || w == stem+"s" || w == stem+"es" {
					return w
				}
			}
		}
	}
	return ""
}

// staticProbe is implemented by probes that read only the document and send
// nothing (spec): they run even on operations the planner could not plan.
type staticProbe interface {
	static() bool
}

// isStatic reports whether p sends no traffic.
func isStatic(p Probe) bool {
	s, ok := p.(staticProbe)
	return ok && s.static()
}
