package payments

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"strconv"
)

// Customer is a customer, replaced whole by PUT. It carries no version or
// update timestamp, so the same PUT twice leaves byte-identical state.
type Customer struct {
	ID     string `json:"id"`
	Object string `json:"object"`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
	// Version counts the PUTs; only FlawPutBumpsVersion sets it.
	Version int `json:"version,omitempty"`
}

// customerKey scopes customers to the caller, like payments.
func customerKey(r *http.Request) string {
	return strconv.Quote(principal(r)) + " " + r.PathValue("id")
}

func (s *server) upsertCustomer(r *http.Request, body []byte) response {
	var in struct {
		Name  *string `json:"name"`
		Email *string `json:"email"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("body must be a JSON object: " + err.Error())
	}
	if in.Name == nil || *in.Name == "" || len(*in.Name) > 255 {
		return invalid("name must be a string of 1 to 255 characters")
	}
	c := Customer{ID: r.PathValue("id"), Object: "customer", Name: *in.Name}
	if len(c.ID) > 255 {
		return invalid("customer id must be at most 255 characters")
	}
	if in.Email != nil {
		if a, err := mail.ParseAddress(*in.Email); err != nil || a.Address != *in.Email {
			return invalid("email must be an email address")
		}
		c.Email = *in.Email
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	k := customerKey(r)
	if s.policy.bumpVersion { // the flaw: an identical PUT still changes state
		c.Version = s.data.customers[k].Version + 1
	}
	if _, exists := s.data.customers[k]; !exists {
		if s.data.objects >= MaxObjects {
			return full()
		}
		s.data.objects++
	}
	s.data.customers[k] = c
	return jsonResponse(http.StatusOK, c)
}

func (s *server) getCustomer(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	c, ok := s.data.customers[customerKey(r)]
	if !ok {
		return notFound("customer")
	}
	return jsonResponse(http.StatusOK, c)
}

func (s *server) deleteCustomer(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	k := customerKey(r)
	if _, ok := s.data.customers[k]; !ok {
		if s.policy.deleteGone != 0 { // FlawDeleteGone500
			return errorResponse(s.policy.deleteGone, "api_error", "internal error")
		}
		return notFound("customer")
	}
	delete(s.data.customers, k)
	s.data.objects--
	return response{status: http.StatusNoContent}
}
