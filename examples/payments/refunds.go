package payments

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

func (s *server) createRefund(r *http.Request, body []byte) response {
	var in struct {
		Amount *int64 `json:"amount"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("body must be a JSON object: " + err.Error())
	}
	switch {
	case in.Amount == nil || *in.Amount < 1 || *in.Amount > 100_000_000:
		return invalid("amount must be an integer from 1 to 100000000")
	case in.Reason != "" && in.Reason != "duplicate" && in.Reason != "requested_by_customer":
		return invalid("reason must be one of duplicate, requested_by_customer")
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	p, ok := s.data.byID[r.PathValue("id")]
	if !ok || !visible(p.owner, r) {
		return notFound("payment")
	}
	if left := p.Amount - s.data.refunded[p.ID]; s.opts.RefundsWithinAmount && *in.Amount > left {
		return errorCode(http.StatusBadRequest, "invalid_request_error", "refund_exceeds_payment",
			fmt.Sprintf("refund of %d exceeds what is left of payment %s (%d of %d)", *in.Amount, p.ID, left, p.Amount))
	}
	if s.data.objects >= MaxObjects {
		return full()
	}
	s.data.objects++
	s.data.refunded[p.ID] += *in.Amount
	rf := &Refund{ID: newID("re_"), Object: "refund", Payment: p.ID, Amount: *in.Amount,
		Reason: in.Reason, Status: "succeeded", Created: time.Now().Unix(), owner: principal(r)}
	s.data.refunds = append(s.data.refunds, rf)
	resp := jsonResponse(http.StatusCreated, rf)
	resp.location = "/v1/payments/" + p.ID + "/refunds/" + rf.ID
	return resp
}

func (s *server) listRefunds(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	id := r.PathValue("id")
	if p, ok := s.data.byID[id]; !ok || !visible(p.owner, r) {
		return notFound("payment")
	}
	out := []*Refund{}
	for i := len(s.data.refunds) - 1; i >= 0; i-- {
		if rf := s.data.refunds[i]; rf.Payment == id && visible(rf.owner, r) {
			out = append(out, rf)
		}
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": out})
}
