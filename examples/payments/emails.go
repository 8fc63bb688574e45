package payments

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"sync"
	"unicode/utf8"
)

// Sending an email is a side effect no list shows: the mail is gone, and
// the API only keeps a counter of what it sent (GET /v1/emails/sent →
// {"count": N}). A retry that sends the receipt twice looks fine in every
// response, so idemcheck can only catch it through an observer declared in
// its configuration (idemcheck.yaml beside this file: the counter and a
// JSON pointer to it). Under FlawReplayButRepeat the duplicate's send is
// repeated while its response is replayed, and the counter shows it.

// Email is a sent email, as the create answers it.
type Email struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Status  string `json:"status"`
}

// mailbox counts what was sent; the messages themselves are not kept.
type mailbox struct {
	mu   sync.Mutex
	sent int
}

func (s *server) sendEmail(r *http.Request, body []byte) response {
	var in struct {
		To      string `json:"to"`
		Subject string `json:"subject"`
		Text    string `json:"text"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("body must be a JSON object: " + err.Error())
	}
	if _, err := mail.ParseAddress(in.To); err != nil {
		return invalid("to must be an email address")
	}
	if in.Subject == "" || utf8.RuneCountInString(in.Subject) > 200 {
		return invalid("subject must be 1 to 200 characters")
	}
	if utf8.RuneCountInString(in.Text) > 10_000 {
		return invalid("text must be at most 10000 characters")
	}
	s.mail.mu.Lock()
	if s.mail.sent >= MaxObjects {
		s.mail.mu.Unlock()
		return full()
	}
	s.mail.sent++
	s.mail.mu.Unlock()
	return jsonResponse(http.StatusCreated, Email{ID: newID("em_"), Object: "email", To: in.To, Subject: in.Subject, Status: "sent"})
}

func (s *server) emailsSent(*http.Request, []byte) response {
	s.mail.mu.Lock()
	defer s.mail.mu.Unlock()
	return jsonResponse(http.StatusOK, map[string]int{"count": s.mail.sent})
}
