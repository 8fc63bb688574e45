package probes

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookupProfile(t *testing.T) {
	for _, p := range Profiles() {
		got, err := LookupProfile(strings.ToUpper(p.Name))
		if err != nil || got.Name != p.Name {
			t.Errorf("LookupProfile(%q) = %v, %v", p.Name, got, err)
		}
		if p.Source == "" || !strings.HasPrefix(p.Source, "https://") {
			t.Errorf("%s: no documented source", p.Name)
		}
		if (p.KeyHeader == "") == (p.KeyField == "") {
			t.Errorf("%s: the key's place must be a header or a field", p.Name)
		}
	}
	if p, err := LookupProfile(""); err != nil || p.Name != DefaultProfile {
		t.Errorf(`LookupProfile("") = %v, %v; want the default`, p, err)
	}
	if _, err := LookupProfile("braintree"); err == nil || !strings.Contains(err.Error(), "ietf, stripe, adyen, paypal, square") {
		t.Errorf("unknown profile error %v does not list the known ones", err)
	}
}

// TestProfilesAreCopies: overriding a field of a looked-up profile (as the
// configuration does) never changes the built-in one.
func TestProfilesAreCopies(t *testing.T) {
	p, _ := LookupProfile("stripe")
	p.ReuseStatuses[0] = 999
	p.KeyMaxLength = 1
	again, _ := LookupProfile("stripe")
	if again.ReuseStatuses[0] != http.StatusBadRequest || again.KeyMaxLength != 255 {
		t.Errorf("the built-in profile changed: %+v", again)
	}
}

func TestProfileStatuses(t *testing.T) {
	tests := []struct {
		profile                 string
		status                  int
		wantReuse, wantInFlight bool
	}{
		{"ietf", 422, true, false},
		{"ietf", 409, true, true},
		{"ietf", 404, false, false},
		{"stripe", 400, true, false},
		{"stripe", 422, false, false},
		{"adyen", 422, true, true},
		{"paypal", 429, false, true}, // "might fail the second request": any 4xx
		{"square", 400, true, true},
		{"square", 500, false, false},
	}
	for _, tt := range tests {
		p, _ := LookupProfile(tt.profile)
		if got := p.acceptsReuse(tt.status); got != tt.wantReuse {
			t.Errorf("%s acceptsReuse(%d) = %v", tt.profile, tt.status, got)
		}
		if got := p.acceptsInFlight(tt.status); got != tt.wantInFlight {
			t.Errorf("%s acceptsInFlight(%d) = %v", tt.profile, tt.status, got)
		}
	}
}

func TestReplayDiffLatestStatus(t *testing.T) {
	first := &reply{Status: 201, Header: http.Header{}, Body: []byte(`{"id":"o_1","status":"CREATED"}`)}
	later := &reply{Status: 201, Header: http.Header{}, Body: []byte(`{"id":"o_1","status":"APPROVED"}`)}
	other := &reply{Status: 201, Header: http.Header{}, Body: []byte(`{"id":"o_2","status":"CREATED"}`)}
	ietf, _ := LookupProfile("ietf")
	paypal, _ := LookupProfile("paypal")
	if ietf.replayDiff(first, later, nil) == "" {
		t.Error("ietf: a changed body is a different replay")
	}
	if d := paypal.replayDiff(first, later, nil); d != "" {
		t.Errorf("paypal: the latest status of the same order is a replay, got diff %s", d)
	}
	if paypal.replayDiff(first, other, nil) == "" {
		t.Error("paypal: another order is not a replay")
	}
}

func TestReplayMarker(t *testing.T) {
	tests := []struct {
		profile, header, value string
		want                   string
	}{
		{"ietf", "Idempotent-Replayed", "true", "Idempotent-Replayed"},
		{"ietf", "Idempotent-Replayed", "false", ""},
		{"ietf", "X-Idempotent-Replayed", "true", ""}, // the profile names its header
		{"adyen", "X-Idempotency-Replayed", "1", "X-Idempotency-Replayed"},
		{"adyen", "Idempotency-Key", "k", ""},
	}
	for _, tt := range tests {
		p, _ := LookupProfile(tt.profile)
		got, _ := p.replayMarker(&reply{Header: http.Header{tt.header: {tt.value}}})
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %s: %s: (-want +got)\n%s", tt.profile, tt.header, tt.value, diff)
		}
	}
}

func TestResourceID(t *testing.T) {
	tests := []struct {
		body, location, want string
	}{
		{`{"id":"pay_1"}`, "", "pay_1"},
		{`{"data":{"id":42}}`, "", "42"},
		{`{"ok":true}`, "/v1/things/t_9?x=1", "t_9"},
		{`not json`, "", ""},
	}
	for _, tt := range tests {
		r := &reply{Header: http.Header{}, Body: []byte(tt.body)}
		if tt.location != "" {
			r.Header.Set("Location", tt.location)
		}
		if got := resourceID(r); got != tt.want {
			t.Errorf("resourceID(%s, %q) = %q, want %q", tt.body, tt.location, got, tt.want)
		}
	}
}
