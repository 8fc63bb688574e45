package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/probes"
)

// paymentsSpec documents a tiny payments API: a POST that takes an
// Idempotency-Key, and the list that shows what it created.
const paymentsSpec = `openapi: 3.0.3
info: {title: payments, version: "1"}
paths:
  /payments:
    get:
      operationId: listPayments
      responses:
        "200":
          description: every payment
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Payment"}}
    post:
      operationId: createPayment
      parameters:
        - name: Idempotency-Key
          in: header
          required: true
          description: Keys are retained for 24 hours; a retry returns the stored response.
          schema: {type: string, minLength: 1, maxLength: 255}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer, minimum: 1, maximum: 1000000}
                note: {type: string, maxLength: 100}
      responses:
        "201":
          description: the payment
          headers:
            Idempotent-Replayed: {description: true on a retry's stored response, schema: {type: string}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Payment"}
        "400": {description: no key, or a malformed payment}
        "422": {description: the key was used with another payment}
components:
  schemas:
    Payment:
      type: object
      required: [id, amount]
      properties:
        id: {type: string}
        amount: {type: integer}
        note: {type: string}
`

// paymentsAPI serves paymentsSpec correctly: a key's first payment is stored
// with its answer, a retry gets that answer again, and the key reused with
// another body is refused. One lock keeps concurrent copies in order. It
// serves its document too, at /openapi.yaml.
func paymentsAPI() http.Handler {
	type answer struct {
		body   []byte // the request's
		status int
		reply  []byte
	}
	var mu sync.Mutex
	var list []json.RawMessage
	byKey := map[string]answer{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/openapi.yaml" {
			io.WriteString(w, paymentsSpec)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && r.URL.Path == "/payments" {
			json.NewEncoder(w).Encode(map[string]any{"data": list})
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/payments" {
			http.NotFound(w, r)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		body, _ := io.ReadAll(r.Body)
		if key == "" || len(key) > 255 {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"an Idempotency-Key of at most 255 characters is required"}`)
			return
		}
		if a, ok := byKey[key]; ok {
			if !bytes.Equal(a.body, body) {
				w.WriteHeader(http.StatusUnprocessableEntity)
				io.WriteString(w, `{"error":"the key was used with another payment"}`)
				return
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(a.status)
			w.Write(a.reply)
			return
		}
		var p struct {
			Amount int    `json:"amount"`
			Note   string `json:"note,omitempty"`
		}
		a := answer{body: body, status: http.StatusBadRequest, reply: []byte(`{"error":"malformed payment"}`)}
		if json.Unmarshal(body, &p) == nil && p.Amount >= 1 && p.Amount <= 1000000 && len(p.Note) <= 100 {
			reply, _ := json.Marshal(map[string]any{"id": "pay_" + strconv.Itoa(len(list)+1), "amount": p.Amount, "note": p.Note})
			list = append(list, reply)
			a.status, a.reply = http.StatusCreated, reply
		}
		byKey[key] = a
		w.WriteHeader(a.status)
		w.Write(a.reply)
	})
}

// Example checks a small payments API with the default options: only the
// document and the base URL are given. Every probe runs; those that do not
// apply to the API (it has no PUT, no second principal) are skipped.
func Example() {
	srv := httptest.NewServer(paymentsAPI())
	defer srv.Close()

	c, err := check.New(check.Options{Spec: srv.URL + "/openapi.yaml", BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	doc, err := c.Load(ctx) // the document, with its warnings
	if err != nil {
		log.Fatal(err)
	}
	plan, err := c.Plan(ctx, doc) // what would be sent: nothing is sent yet
	if err != nil {
		log.Fatal(err)
	}
	run, err := c.Run(ctx, plan) // the probes, against BaseURL only
	if err != nil {
		log.Fatal(err)
	}
	defer run.Close() // its evidence, kept in a temporary file
	for _, r := range run.Results {
		if slices.Contains([]string{"replay", "concurrent", "mismatch-body", "missing-key"}, r.Probe) || r.Verdict == probes.Fail {
			fmt.Println(r.Operation.ID, r.Probe, r.Verdict)
		}
	}
	fmt.Println("outcome:", run.Outcome().Status)
	// Output:
	// createPayment replay pass
	// createPayment concurrent pass
	// createPayment mismatch-body pass
	// createPayment missing-key pass
	// outcome: passed
}
