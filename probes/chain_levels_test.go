package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// TestChainTwoLevels: /customers/{c}/subscriptions/{s}/items needs a
// subscription under the customer in its path; the chain creates the
// customer once and the subscription under it. missing-key's request
// without a key gets a subscription of its own (chain_round.go), under the
// same customer: only the nearest parent is created anew.
func TestChainTwoLevels(t *testing.T) {
	var mu sync.Mutex
	subs := map[string]string{} // subscription → customer
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		id := fmt.Sprintf("cus_%d", n)
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
	})
	mux.HandleFunc("POST /customers/{c}/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		id := fmt.Sprintf("sub_%d", n)
		subs[id] = r.PathValue("c")
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
	})
	mux.HandleFunc("POST /customers/{c}/subscriptions/{s}/items", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		owner := subs[r.PathValue("s")]
		mu.Unlock()
		switch {
		case owner == "" || owner != r.PathValue("c"):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"no such subscription for this customer"}`)
		case r.Header.Get("Idempotency-Key") == "":
			w.WriteHeader(http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":"item"}`)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	post := func(id, tmpl, path string, chain ...openapi.Link) *openapi.Operation {
		return &openapi.Operation{ID: id, Method: "POST", Path: tmpl, Chain: chain,
			Key:     openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
			Request: &openapi.Request{Method: "POST", Path: path}}
	}
	cust := post("createCustomer", "/customers", "/customers")
	inferred := func(param string, p *openapi.Operation) openapi.Link {
		return openapi.Link{Param: param, From: p.ID, Pointer: "/id", Source: "inferred from the path", Producer: p}
	}
	sub := post("createSubscription", "/customers/{c}/subscriptions", "/customers/x/subscriptions", inferred("c", cust))
	item := post("createItem", "/customers/{c}/subscriptions/{s}/items", "/customers/x/subscriptions/y/items",
		inferred("c", cust), inferred("s", sub))

	env := Config{BaseURL: srv.URL, Timeout: 5 * time.Second}
	probes, _ := Select([]string{"missing-key"})
	r := Run(context.Background(), []openapi.Operation{*item}, probes, env)[0]
	if r.Verdict != Pass {
		t.Errorf("missing-key on a two-level chain: %s: %s", r.Verdict, r.Reason)
	}
	var urls []string
	for _, ex := range r.Evidence {
		urls = append(urls, ex.Request.URL)
	}
	want := []string{"/customers", "/customers/cus_1/subscriptions", "/customers/cus_1/subscriptions/sub_2/items",
		"/customers/cus_1/subscriptions", "/customers/cus_1/subscriptions/sub_3/items"}
	if len(urls) != len(want) {
		t.Fatalf("exchanges to %v, want %v (one customer, a subscription under it for the control and one for the request without a key)", urls, want)
	}
	for i := range want {
		if urls[i] != srv.URL+want[i] {
			t.Errorf("exchange %d went to %s, want %s", i+1, urls[i], srv.URL+want[i])
		}
	}
}
