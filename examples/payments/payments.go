package payments

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// SeedPaymentID is a payment that exists from the start and is visible to
// every caller, so the spec's path parameter example always resolves.
const SeedPaymentID = "pay_seed0001"

// DeclinedAmount is always declined with 402 card_declined: a business error
// that is stored and replayed like a success.
const DeclinedAmount = 4000

// Payment is a created payment.
type Payment struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	Description string `json:"description,omitempty"`
	Customer    string `json:"customer,omitempty"`
	Captured    bool   `json:"captured"` // false when created with ?capture=false (capture.go)
	Status      string `json:"status"`
	Created     int64  `json:"created"`
	owner       string // "" is visible to every caller
}

// Refund is a created refund of a payment.
type Refund struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Payment string `json:"payment"`
	Amount  int64  `json:"amount"`
	Reason  string `json:"reason,omitempty"`
	Status  string `json:"status"`
	Created int64  `json:"created"`
	owner   string
}

// store is the API's state: the side effects idemcheck observes.
type store struct {
	mu        sync.Mutex
	payments  []*Payment // oldest first
	byID      map[string]*Payment
	refunds   []*Refund        // oldest first
	refunded  map[string]int64 // refunded amount per payment id
	customers map[string]Customer
	objects   int
}

func newStore() *store {
	seed := &Payment{ID: SeedPaymentID, Object: "payment", Amount: 5000, Currency: "usd",
		Description: "seed payment", Captured: true, Status: "succeeded", Created: time.Now().Unix()}
	return &store{payments: []*Payment{seed}, byID: map[string]*Payment{seed.ID: seed},
		refunded: map[string]int64{}, customers: map[string]Customer{}}
}

func newID(prefix string) string { return prefix + strings.ToLower(rand.Text()[:16]) }

func visible(owner string, r *http.Request) bool { return owner == "" || owner == principal(r) }

func (s *server) createPayment(r *http.Request, body []byte) response {
	var in struct {
		Amount      *int64  `json:"amount"`
		Currency    string  `json:"currency"`
		Description *string `json:"description"`
		Customer    *string `json:"customer"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("body must be a JSON object: " + err.Error())
	}
	capture, problem := captureParam(r) // capture.go
	switch {
	case problem != "":
		return invalid(problem)
	case in.Amount == nil || *in.Amount < 1 || *in.Amount > 100_000_000:
		return invalid("amount must be an integer from 1 to 100000000")
	case in.Currency != "usd" && in.Currency != "eur" && in.Currency != "gbp":
		return invalid("currency must be one of usd, eur, gbp")
	case in.Description != nil && utf8.RuneCountInString(*in.Description) > 500:
		return invalid("description must be at most 500 characters")
	case *in.Amount == DeclinedAmount && !s.approveRetry(r): // flaws_keys.go
		return errorCode(http.StatusPaymentRequired, "card_error", "card_declined", "your card was declined")
	}
	p := &Payment{ID: newID("pay_"), Object: "payment", Amount: *in.Amount, Currency: in.Currency,
		Captured: capture, Status: captureStatus(capture), Created: time.Now().Unix(), owner: principal(r)}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Customer != nil {
		p.Customer = *in.Customer
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	if s.data.objects >= MaxObjects {
		return full()
	}
	s.data.objects++
	s.data.payments = append(s.data.payments, p)
	s.data.byID[p.ID] = p
	resp := jsonResponse(http.StatusCreated, p)
	resp.location = "/v1/payments/" + p.ID
	return resp
}

func (s *server) listPayments(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	out := []*Payment{}
	for i := len(s.data.payments) - 1; i >= 0; i-- {
		if p := s.data.payments[i]; visible(p.owner, r) {
			out = append(out, p)
		}
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": out, "has_more": false})
}

func (s *server) getPayment(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	p, ok := s.data.byID[r.PathValue("id")]
	if !ok || !visible(p.owner, r) {
		return notFound("payment")
	}
	return jsonResponse(http.StatusOK, p)
}

func invalid(msg string) response {
	return errorResponse(http.StatusBadRequest, "invalid_request_error", msg)
}

func notFound(what string) response {
	return errorResponse(http.StatusNotFound, "invalid_request_error", "no such "+what)
}

func full() response {
	return errorResponse(http.StatusInsufficientStorage, "api_error", "storage full: this example keeps at most 100000 objects")
}
