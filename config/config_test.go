package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/openapi"
)

const good = `# the example of docs/configuration.md
operations:
  createPayment:
    body: {amount: 100, currency: usd, tags: [a, 1.5, true, null]}
    path_params: {id: pay_123}
    ignore_fields: [/created, /request_id]
    key: {header: Idempotency-Key}
  "POST /v1/refunds":
    key: {field: idempotency_key, required: true}
  createRefund:
    path_params: {id: {from: createPayment, pointer: /id}}
    key: {format: uuid}
  deleteThing:
  sendEmail:
    error_body: {to: nobody}
    expect: {reuse_statuses: [422], stores_errors: false}
observers:
  - name: emails-sent
    operations: [sendEmail]
    get: /v1/emails/sent
    pointer: /count
  - name: ledger-rows
    operations: [createPayment]
    command: "psql -tAc 'select count(*) from ledger'"
    timeout: 5s
  - name: things
    operations: ["POST /v1/refunds"]
    collection: {get: /v1/things, pointer: /data}
`

func TestParseGood(t *testing.T) {
	cfg, err := Parse("idemcheck.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File: "idemcheck.yaml",
		Operations: []Operation{
			{
				Name: "createPayment", Line: 3, HasBody: true,
				Body:         map[string]any{"amount": int64(100), "currency": "usd", "tags": []any{"a", 1.5, true, nil}},
				PathParams:   map[string]string{"id": "pay_123"},
				IgnoreFields: []string{"/created", "/request_id"},
				Key:          &Key{Header: "Idempotency-Key"},
			},
			{Name: "POST /v1/refunds", Line: 8, Key: &Key{Field: "idempotency_key", Required: true}},
			{
				Name: "createRefund", Line: 10, PathParams: map[string]string{},
				PathLinks: map[string]PathLink{"id": {From: "createPayment", Pointer: "/id", Line: 11}},
				Key:       &Key{Format: "uuid"},
			},
			{Name: "deleteThing", Line: 13},
			{
				Name: "sendEmail", Line: 14, HasErrorBody: true,
				ErrorBody: map[string]any{"to": "nobody"},
				Expect:    []Expectation{{Name: "reuse_statuses", Value: []any{int64(422)}, Line: 16}, {Name: "stores_errors", Value: false, Line: 16}},
			},
		},
		Observers: []Observer{
			{Name: "emails-sent", Line: 18, Operations: []string{"sendEmail"}, OperationLines: []int{19}, Get: "/v1/emails/sent", Pointer: "/count"},
			{Name: "ledger-rows", Line: 22, Operations: []string{"createPayment"}, OperationLines: []int{23}, Command: "psql -tAc 'select count(*) from ledger'", Timeout: 5 * time.Second},
			{Name: "things", Line: 26, Operations: []string{"POST /v1/refunds"}, OperationLines: []int{27}, Collection: &Collection{Get: "/v1/things", Pointer: "/data"}},
		},
	}
	if d := cmp.Diff(want, cfg); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
	if got := cfg.Operation(openapi.OperationName{ID: "x", Method: "post", Path: "/v1/refunds"}); got == nil || got.Name != "POST /v1/refunds" {
		t.Errorf("Operation by METHOD /path = %v", got)
	}
	if got := cfg.ObserverFor(openapi.OperationName{ID: "createPayment", Method: "POST", Path: "/v1/payments"}); got == nil || got.Name != "ledger-rows" {
		t.Errorf("ObserverFor(createPayment) = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown operation key", "operations:\n  createPayment:\n    bdy: {}\n",
			`idemcheck.yaml:3: unknown key "bdy" in operations.createPayment (known: body, error_body, expect, ignore_fields, key, path_params)`},
		{"unknown top-level key", "operation: {}\n", `idemcheck.yaml:1: unknown key "operation" in the top level (known: observers, operations)`},
		{"not yaml", "operations: [\n", "idemcheck.yaml: line"},
		{"top level list", "- a\n", "idemcheck.yaml:1: the file must be a mapping, not a list"},
		{"duplicate key", "operations:\n  a:\n    body: 1\n    body: 2\n", `idemcheck.yaml:4: duplicate key "body"`},
		{"link needs from", "operations:\n  a:\n    path_params: {id: {pointer: /id}}\n", "idemcheck.yaml:3: operations.a.path_params.id needs from"},
		{"unknown key format", "operations:\n  a:\n    key: {format: guid}\n", `idemcheck.yaml:3: operations.a.key.format "guid" is not a key format (known: uuid, ulid, hex)`},
		{"key needs one", "operations:\n  a:\n    key: {header: X, field: y}\n", "idemcheck.yaml:3: operations.a.key needs exactly one of header or field"},
		{"ignore field not pointer", "operations:\n  a:\n    ignore_fields: [created]\n", `idemcheck.yaml:3: ignore_fields entry "created" is not a JSON pointer`},
		{"observer without kind", "observers:\n  - name: x\n    operations: [a]\n", `idemcheck.yaml:2: observer "x" needs exactly one of get (with pointer), collection or command`},
		{"get without pointer", "observers:\n  - name: x\n    operations: [a]\n    get: /n\n", `idemcheck.yaml:2: observer "x" needs pointer`},
		{"absolute get", "observers:\n  - name: x\n    operations: [a]\n    get: http://evil/n\n    pointer: /n\n", `idemcheck.yaml:4: observers[0].get "http://evil/n" must be a path starting with /`},
		{"bad timeout", "observers:\n  - name: x\n    operations: [a]\n    command: echo 1\n    timeout: soon\n", `idemcheck.yaml:5: observers[0].timeout "soon" is not a positive duration`},
		{"observer twice", "observers:\n  - {name: x, operations: [a], command: echo 1}\n  - {name: x, operations: [b], command: echo 1}\n", `idemcheck.yaml:3: observer "x" is declared twice (first at line 2)`},
		{"no operations", "observers:\n  - {name: x, command: echo 1}\n", `idemcheck.yaml:2: observer "x" needs operations`},
		{"alias bomb", "a: &a [*a, *a]\noperations:\n  x:\n    body: *a\n", "idemcheck.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("idemcheck.yaml", []byte(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestCheckOperations(t *testing.T) {
	known := []openapi.OperationName{
		{ID: "createPayment", Method: "POST", Path: "/v1/payments"},
		{ID: "sendEmail", Method: "POST", Path: "/v1/emails"},
		{Method: "POST", Path: "/v1/refunds"},
		{ID: "createRefund", Method: "POST", Path: "/v1/payments/{id}/refunds"},
		{ID: "deleteThing", Method: "DELETE", Path: "/v1/things/{id}"},
	}
	tests := []struct {
		name, in, want string
	}{
		{"all known", good, ""},
		{"unknown operation", "operations:\n  createPaymnt: {}\n", `idemcheck.yaml:2: unknown operation "createPaymnt" in operations (known: createPayment, `},
		{"unknown observed operation", "observers:\n  - name: x\n    operations:\n      - sendEmail\n      - sendMail\n    command: echo 1\n",
			`idemcheck.yaml:5: unknown operation "sendMail" in observer "x"`},
		{"unknown link source", "operations:\n  createRefund:\n    path_params: {id: {from: createPaymnt}}\n",
			`idemcheck.yaml:3: unknown operation "createPaymnt" in operations.createRefund.path_params.id.from`},
		{"method path any case", "operations:\n  post /v1/emails: {}\n", ""},
		{"two observers, one by id and one by method and path", "observers:\n  - {name: x, operations: [sendEmail], command: echo 1}\n  - {name: y, operations: [POST /v1/emails], command: echo 2}\n",
			`idemcheck.yaml:3: operation "POST /v1/emails" already has observer "x"`},
		{"two observers", "observers:\n  - {name: x, operations: [sendEmail], command: echo 1}\n  - {name: y, operations: [sendEmail], command: echo 2}\n",
			`idemcheck.yaml:3: operation "sendEmail" already has observer "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("idemcheck.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.CheckOperations(known)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckOperations = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("CheckOperations = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "---\n"} {
		cfg, err := Parse("c.yaml", []byte(in))
		if err != nil || len(cfg.Operations)+len(cfg.Observers) != 0 {
			t.Errorf("Parse(%q) = %+v, %v; want an empty configuration", in, cfg, err)
		}
	}
}

// FuzzParse: any input yields a configuration or an error naming the file,
// never a panic; a configuration's lines are within the input.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("operations:\n  a:\n    body: &x {b: *x}\n"))
	f.Add([]byte("observers: [{name: a, operations: [b], get: /c, pointer: /d}]\n"))
	f.Add([]byte("operations: {x: {key: {header: 1}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, op := range cfg.Operations {
			if op.Line < 1 || op.Line > lines {
				t.Fatalf("operation %q at line %d of %d", op.Name, op.Line, lines)
			}
		}
		_ = cfg.CheckOperations([]openapi.OperationName{{ID: "a", Method: "POST", Path: "/x"}})
	})
}
