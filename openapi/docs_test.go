package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDocsOfExamplePayments(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "payments", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	retained := "Keys are scoped to the caller and the endpoint and are retained for 24 hours; within that time a retry with the same key and the same request returns the stored response and creates nothing."
	general := "Keys are scoped to the caller (the `Authorization` header) and to the endpoint, and retained for 24 hours."
	want := map[string]*Docs{
		"createPayment":  {Summary: "Create a payment", KeyDeclared: true, Retention: retained},
		"createRefund":   {Summary: "Refund a payment", KeyDeclared: true, Retention: retained},
		"sendEmail":      {Summary: "Send an email (its only side effect is the sent counter)", KeyDeclared: true, Retention: retained},
		"upsertCustomer": {Summary: "Create or replace a customer (idempotent by definition, no key)", Retention: general},
		"deleteCustomer": {Summary: "Delete a customer (idempotent by definition, no key)", Retention: general},
	}
	got := map[string]*Docs{}
	for _, op := range planDoc(t, data) {
		if _, ok := want[op.ID]; ok { // operations added to the example later are not pinned here
			got[op.ID] = op.Docs
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Docs (-want +got):\n%s", diff)
	}
}

func TestDocs(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo:\n  title: t\n  version: \"1\"\n"
	tests := []struct {
		name string
		doc  string
		want *Docs
	}{
		{
			name: "retention in the key's description",
			doc: head + `paths:
  /charges:
    post:
      tags: [Charges]
      parameters:
        - name: Idempotency-Key
          in: header
          required: true
          description: Keys expire after 7 days.
          schema: {type: string}
      responses: {"200": {description: ok}}
`,
			want: &Docs{Tags: []string{"Charges"}, KeyDeclared: true, Retention: "Keys expire after 7 days."},
		},
		{
			name: "retention in an extension of the operation",
			doc: head + `paths:
  /charges:
    post:
      x-idempotency-ttl: 24h
      parameters: [{name: Idempotency-Key, in: header, schema: {type: string}}]
      responses: {"200": {description: ok}}
`,
			want: &Docs{KeyDeclared: true, Retention: "x-idempotency-ttl: 24h"},
		},
		{
			name: "retention in the info description counts only when it is about keys",
			doc: "openapi: 3.0.3\ninfo:\n  title: t\n  version: \"1\"\n  description: |\n    Logs are kept for 30 days.\n\n    Idempotency keys are remembered for 48 hours.\n" + `paths:
  /charges:
    post:
      parameters: [{name: Idempotency-Key, in: header, schema: {type: string}}]
      responses: {"200": {description: ok}}
`,
			want: &Docs{KeyDeclared: true, Retention: "Idempotency keys are remembered for 48 hours."},
		},
		{
			name: "unrelated retention prose is not a key retention",
			doc: "openapi: 3.0.3\ninfo:\n  title: t\n  version: \"1\"\n  description: Logs are kept for 30 days.\n" + `paths:
  /charges:
    post:
      parameters: [{name: Idempotency-Key, in: header, description: A unique value., schema: {type: string}}]
      responses: {"200": {description: ok}}
`,
			want: &Docs{KeyDeclared: true},
		},
		{
			name: "body field key with its description",
			doc: head + `paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                idempotency_key: {type: string, description: "Retained for 1 day. Then a retry creates a new order."}
                sku: {type: string, example: x}
      responses: {"200": {description: ok}}
`,
			want: &Docs{KeyDeclared: true, Retention: "Retained for 1 day."},
		},
		{
			name: "no key at all",
			doc: head + `paths:
  /orders:
    post:
      summary: Create an order
      responses: {"200": {description: ok}}
`,
			want: &Docs{Summary: "Create an order"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := planDoc(t, []byte(tt.doc))
			if len(ops) != 1 {
				t.Fatalf("%d operations, want 1", len(ops))
			}
			if diff := cmp.Diff(tt.want, ops[0].Docs); diff != "" {
				t.Errorf("Docs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDocsKeyFromFlag: a --key-header naming a header the document does not
// declare is not a declared key; one it declares is.
func TestDocsKeyFromFlag(t *testing.T) {
	_, ops := planFixture(t, "fern.yaml", PlanOptions{Operations: []string{"post /reports"}, KeyHeader: "X-Retry-Token"})
	if ops[0].Docs == nil || ops[0].Docs.KeyDeclared {
		t.Errorf("Docs = %+v, want a key that the document does not declare", ops[0].Docs)
	}
	_, ops = planFixture(t, "v30.yaml", PlanOptions{Operations: []string{"createPayment"}, KeyHeader: "X-Request-Id"})
	if ops[0].Docs == nil || !ops[0].Docs.KeyDeclared {
		t.Errorf("Docs = %+v, want the declared header X-Request-Id to count", ops[0].Docs)
	}
}

func TestRetentionSentence(t *testing.T) {
	tests := []struct {
		text, want string
		aboutKeys  bool
	}{
		{"A unique key, 1 to 255 characters.", "", false},
		{"Keys are purged after a week. Use UUIDs.", "Keys are purged after a week.", false},
		{"Use UUIDs.\nKeys live\nfor 24h.", "Keys live for 24h.", false},
		{"Requests time out after 30 seconds.", "", true},
		{"Requests time out after 30 seconds.", "Requests time out after 30 seconds.", false},
		{"The idempotency window is 10 minutes.", "The idempotency window is 10 minutes.", true},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := retentionSentence(tt.text, tt.aboutKeys); got != tt.want {
			t.Errorf("retentionSentence(%q, %v) = %q, want %q", tt.text, tt.aboutKeys, got, tt.want)
		}
	}
}

// FuzzRetentionSentence: document prose is user input; whatever it holds,
// the sentence found is one line, bounded, and taken from the text.
func FuzzRetentionSentence(f *testing.F) {
	for _, s := range []string{"Keys expire after 24 hours.", "a. b. c", "\n\n. ", "retain 5d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, about := range []bool{false, true} {
			s := retentionSentence(text, about)
			if strings.Contains(s, "\n") || len(s) > 200+len("…") {
				t.Fatalf("retentionSentence(%q) = %q: not one bounded line", text, s)
			}
		}
	})
}
