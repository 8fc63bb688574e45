package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSecrets(t *testing.T) {
	data := `operations:
  createPayment:
    body: {amount: 100, card: {number: "4242", api_key: sk_body_123}, note: plain}
observers:
  - name: ledger
    operations: [createPayment]
    command: "PGPASSWORD=pg-s3cret psql postgres://app:url-pw-9@db/ledger -tAc 'select 1' --auth-token tok-abc"
  - name: emails
    operations: [sendEmail]
    get: /v1/emails/sent?api_key=q-key-42&limit=5
    pointer: /count
  - name: things
    operations: [createThing]
    command: "curl -s -H 'Authorization: Bearer cmd-bearer-7' http://127.0.0.1/things"
`
	cfg, err := Parse("idemcheck.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Bearer cmd-bearer-7", "pg-s3cret", "q-key-42", "sk_body_123", "tok-abc", "url-pw-9"}
	if diff := cmp.Diff(want, cfg.Secrets()); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
	var none *Config
	if got := none.Secrets(); got != nil {
		t.Errorf("nil config: %q", got)
	}
}
