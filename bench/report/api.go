package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// api serves n collections /v1/r0 … /v1/r{n-1}, each with a keyed create
// (POST /v1/rI), a keyed update (POST /v1/rI/{id}), a DELETE, a list and a
// read by id, answering with Stripe-sized objects (about 2 KiB of JSON).
// With keyed set it is a correct idempotency layer: a key is scoped to the
// caller, the path and the key, fingerprinted by the body, 409 while in
// flight, 422 on another body, the stored response replayed with
// Idempotent-Replayed. Without it, it ignores keys: every request is
// processed, which is what a stateless mock does.
type api struct {
	n     int
	keyed bool

	mu    sync.Mutex
	keys  map[string]*stored
	items map[string]map[string]map[string]any // collection → id → object
	order map[string][]string                  // collection → ids, oldest first
	seq   int
}

// stored is one key's outcome: in flight until done.
type stored struct {
	fingerprint string
	done        bool
	status      int
	body        []byte
}

// maxKey is the longest key accepted; maxRequestBody bounds a body.
const (
	maxKey         = 255
	maxRequestBody = 64 << 10
)

func newAPI(n int, keyed bool) *api {
	return &api{n: n, keyed: keyed, keys: map[string]*stored{}, items: map[string]map[string]map[string]any{}, order: map[string][]string{}}
}

// ServeHTTP implements http.Handler.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "v1" || !a.known(parts[1]) || len(parts) > 3 {
		reply(w, http.StatusNotFound, errorBody("resource_missing", "no such endpoint"))
		return
	}
	coll, id := parts[1], ""
	if len(parts) == 3 {
		id = parts[2]
	}
	switch {
	case r.Method == http.MethodGet && id == "":
		a.list(w, coll)
	case r.Method == http.MethodGet:
		a.get(w, coll, id)
	case r.Method == http.MethodPost, r.Method == http.MethodDelete:
		a.write(w, r, coll, id)
	default:
		reply(w, http.StatusMethodNotAllowed, errorBody("method_not_allowed", "method not allowed"))
	}
}

// known reports whether coll is one of the API's collections.
func (a *api) known(coll string) bool {
	i, err := strconv.Atoi(strings.TrimPrefix(coll, "r"))
	return strings.HasPrefix(coll, "r") && err == nil && i >= 0 && i < a.n
}

func (a *api) list(w http.ResponseWriter, coll string) {
	a.mu.Lock()
	ids := a.order[coll]
	out := make([]map[string]any, 0, min(len(ids), 100))
	for i := len(ids) - 1; i >= 0 && len(out) < 100; i-- {
		out = append(out, a.items[coll][ids[i]])
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "data": out, "has_more": len(ids) > 100, "url": "/v1/" + coll})
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (a *api) get(w http.ResponseWriter, coll, id string) {
	a.mu.Lock()
	obj, ok := a.items[coll][id]
	var b []byte
	if ok {
		b, _ = json.Marshal(obj)
	}
	a.mu.Unlock()
	if !ok {
		reply(w, http.StatusNotFound, errorBody("resource_missing", "no such object: "+id))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// write handles a create, an update or a delete, through the key layer
// when the API is keyed.
func (a *api) write(w http.ResponseWriter, r *http.Request, coll, id string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		reply(w, http.StatusBadRequest, errorBody("invalid_request", "unreadable body"))
		return
	}
	if !a.keyed {
		status, out := a.apply(r.Method, coll, id, body)
		send(w, status, out, false)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	switch {
	case len(r.Header.Values("Idempotency-Key")) == 0 && r.Method == http.MethodPost:
		reply(w, http.StatusBadRequest, errorBody("idempotency_key_missing", "Idempotency-Key is required"))
		return
	case len(r.Header.Values("Idempotency-Key")) == 0: // a DELETE is idempotent by itself
		status, out := a.apply(r.Method, coll, id, body)
		send(w, status, out, false)
		return
	case key == "" || len(key) > maxKey:
		reply(w, http.StatusBadRequest, errorBody("idempotency_key_invalid", "Idempotency-Key must be 1 to 255 characters"))
		return
	}
	scope := r.Header.Get("Authorization") + "|" + r.Method + " " + r.URL.Path + "|" + key
	fingerprint := string(body)
	a.mu.Lock()
	if s, ok := a.keys[scope]; ok {
		seen := *s // read under the lock: the first request may still be storing its result
		a.mu.Unlock()
		switch {
		case seen.fingerprint != fingerprint:
			reply(w, http.StatusUnprocessableEntity, errorBody("idempotency_error", "the key was used with another request"))
		case !seen.done:
			reply(w, http.StatusConflict, errorBody("idempotency_conflict", "a request with this key is in progress"))
		default:
			send(w, seen.status, seen.body, true)
		}
		return
	}
	s := &stored{fingerprint: fingerprint}
	a.keys[scope] = s
	a.mu.Unlock()
	status, out := a.apply(r.Method, coll, id, body)
	a.mu.Lock()
	s.status, s.body, s.done = status, out, true
	a.mu.Unlock()
	send(w, status, out, false)
}

// apply carries out a write and returns its response.
func (a *api) apply(method, coll, id string, body []byte) (int, []byte) {
	var in map[string]any
	if method == http.MethodPost && json.Unmarshal(body, &in) != nil {
		return http.StatusBadRequest, mustJSON(errorBody("invalid_request", "the body is not a JSON object"))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case method == http.MethodDelete:
		if _, ok := a.items[coll][id]; !ok {
			return http.StatusNotFound, mustJSON(errorBody("resource_missing", "no such object: "+id))
		}
		delete(a.items[coll], id)
		a.order[coll] = remove(a.order[coll], id)
		return http.StatusOK, mustJSON(map[string]any{"id": id, "object": coll, "deleted": true})
	case id != "":
		obj, ok := a.items[coll][id]
		if !ok {
			return http.StatusNotFound, mustJSON(errorBody("resource_missing", "no such object: "+id))
		}
		for k, v := range in {
			if k != "id" {
				obj[k] = v
			}
		}
		return http.StatusOK, mustJSON(obj)
	}
	if amount, ok := in["amount"].(float64); !ok || amount < 1 {
		return http.StatusBadRequest, mustJSON(errorBody("parameter_invalid_integer", "amount must be a positive integer"))
	}
	a.seq++
	id = fmt.Sprintf("%s_%08x%08x", coll, a.seq*2654435761%(1<<32), a.seq)
	obj := object(coll, id, a.seq, in)
	if a.items[coll] == nil {
		a.items[coll] = map[string]map[string]any{}
	}
	a.items[coll][id] = obj
	a.order[coll] = append(a.order[coll], id)
	return http.StatusOK, mustJSON(obj)
}

// object is a created resource, shaped and sized like a Stripe charge: the
// request's fields, an id and a timestamp, and about 2 KiB of details.
func object(coll, id string, seq int, in map[string]any) map[string]any {
	obj := map[string]any{
		"id": id, "object": coll, "created": time.Now().Unix(), "livemode": false, "status": "succeeded",
		"balance_transaction": fmt.Sprintf("txn_%016x", seq*7919),
		"billing_details": map[string]any{
			"address": map[string]any{"city": "Berlin", "country": "DE", "line1": "Unter den Linden 1", "line2": nil, "postal_code": "10117", "state": nil},
			"email":   "ada@example.com", "name": "Ada Lovelace", "phone": "+49 30 1234567",
		},
		"outcome": map[string]any{
			"network_status": "approved_by_network", "reason": nil, "risk_level": "normal", "risk_score": seq % 100,
			"seller_message": "Payment complete.", "type": "authorized",
		},
		"payment_method_details": map[string]any{"card": map[string]any{
			"brand": "visa", "checks": map[string]any{"address_line1_check": "pass", "address_postal_code_check": "pass", "cvc_check": "pass"},
			"country": "DE", "exp_month": 12, "exp_year": 2034, "fingerprint": fmt.Sprintf("fp%014x", seq*104729), "funding": "credit",
			"last4": "4242", "network": "visa", "three_d_secure": nil, "wallet": nil,
		}},
		"receipt_url":          fmt.Sprintf("https://pay.example.com/receipts/acct_1032D82eZvKYlo2C/%s/rcpt_%032x", id, seq*15485863),
		"refunds":              map[string]any{"object": "list", "data": []any{}, "has_more": false, "total_count": 0, "url": "/v1/" + coll + "/" + id + "/refunds"},
		"metadata":             map[string]any{"order_id": fmt.Sprint(6735 + seq), "channel": "web", "campaign": "spring"},
		"statement_descriptor": "EXAMPLE SHOP", "calculated_statement_descriptor": "EXAMPLE SHOP",
		"amount_captured": 0, "amount_refunded": 0, "captured": true, "disputed": false, "paid": true, "refunded": false,
		"application": nil, "application_fee": nil, "application_fee_amount": nil, "failure_code": nil, "failure_message": nil,
		"fraud_details": map[string]any{}, "invoice": nil, "on_behalf_of": nil, "review": nil, "shipping": nil,
		"source_transfer": nil, "transfer_data": nil, "transfer_group": nil,
	}
	for k, v := range in {
		obj[k] = v
	}
	obj["amount_captured"] = in["amount"]
	return obj
}

func remove(ids []string, id string) []string {
	for i, v := range ids {
		if v == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return ids
}

func errorBody(code, msg string) map[string]any {
	return map[string]any{"error": map[string]any{"type": "invalid_request_error", "code": code, "message": msg}}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// send writes a stored or fresh JSON response.
func send(w http.ResponseWriter, status int, body []byte, replayed bool) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", fmt.Sprintf("req_%d", time.Now().UnixNano()))
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(status)
	w.Write(body)
}

func reply(w http.ResponseWriter, status int, v any) { send(w, status, mustJSON(v), false) }
