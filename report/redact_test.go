package report

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRedactorString(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"the value", []string{"Bearer k9Zq7Wx2tok"}, "auth=Bearer k9Zq7Wx2tok.", "auth=[redacted]."},
		{"the bare token", []string{"Bearer k9Zq7Wx2tok"}, `{"token":"k9Zq7Wx2tok"}`, `{"token":"[redacted]"}`},
		{"url-encoded", []string{"Bearer a/b+c=d&e9"}, "next?t=a%2Fb%2Bc%3Dd%26e9", "next?t=[redacted]"},
		{"url-encoded, lower-case hex", []string{"Bearer a/b+c=d&e9"}, "next?t=a%2fb%2bc%3dd%26e9", "next?t=[redacted]"},
		{"path-escaped", []string{"Bearer a/b c=d&e9"}, "/items/a%2Fb%20c=d&e9", "/items/[redacted]"},
		{"json html-escaped", []string{"tok<en>&more"}, `"tok\u003cen\u003e\u0026more"`, `"[redacted]"`},
		{"json slash-escaped", []string{"tok/en/more"}, `"tok\/en\/more"`, `"[redacted]"`},
		{"go-quoted in a diff", []string{`tok"en\more`}, `-  "tok\"en\\more",`, `-  "[redacted]",`},
		{"basic decoded", []string{"Basic YWxpY2U6aHVudGVyMjI="}, "user alice:hunter22 logged in", "user [redacted] logged in"},
		{"basic password", []string{"Basic YWxpY2U6aHVudGVyMjI="}, "password hunter22", "password [redacted]"},
		{"basic base64", []string{"alice:hunter22"}, "Authorization: Basic YWxpY2U6aHVudGVyMjI=", "Authorization: Basic [redacted]"},
		{"longer form first", []string{"Bearer k9Zq7Wx2tok"}, "Bearer k9Zq7Wx2tok and k9Zq7Wx2tok", "[redacted] and [redacted]"},
		{"several secrets", []string{"k9Zq7Wx2tok", "other-principal-1"}, "k9Zq7Wx2tok other-principal-1", "[redacted] [redacted]"},
		{"medium as a word", []string{"tenant7"}, `{"t":"tenant7","u":"tenant77","v":"xtenant7"}`, `{"t":"[redacted]","u":"tenant77","v":"xtenant7"}`},
		{"tiny only as a whole field", []string{"7"}, `{"amount":7}`, `{"amount":7}`},
		{"tiny whole field", []string{"7"}, " 7 ", "[redacted]"},
		{"a scheme does not lengthen a token", []string{"Bearer t"}, "Bearer token; Bearer t", "Bearer token; Bearer t"},
		{"short token as a whole field", []string{"Bearer t"}, "Bearer t", "[redacted]"},
		{"a user name does not lengthen a password", []string{"Basic YWxpY2U6cHc="}, "alice:pw alice:pwd", "alice:pw alice:pwd"},
		{"no secrets", nil, "Bearer k9Zq7Wx2tok", "Bearer k9Zq7Wx2tok"},
		{"empty secret", []string{"", "  "}, "anything", "anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewRedactor(tt.secrets).String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactorBodyCutOffSecret(t *testing.T) {
	r := NewRedactor([]string{"Bearer k9Zq7Wx2tokLONGTAIL"})
	if got, want := r.body(`{"echo":"k9Zq7Wx2tokLO`), `{"echo":"[redacted]`; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got, want := r.body(`{"echo":"k9Zq7"`), `{"echo":"k9Zq7"`; got != want {
		t.Errorf("body = %q, want %q (under MinSecretLen)", got, want)
	}
}

func TestHeaderSecrets(t *testing.T) {
	got := HeaderSecrets(
		http.Header{"Authorization": {"Bearer a"}, "Accept": {"application/json"}, "X-Tenant": {" acme "}},
		http.Header{"Authorization": {"Bearer b"}, "Content-Type": {"text/plain"}},
		nil,
	)
	if diff := cmp.Diff([]string{"Bearer a", "Bearer b", "acme"}, got); diff != "" {
		t.Errorf("HeaderSecrets (-want +got):\n%s", diff)
	}
}

// TestRedactLeavesTheRunAlone pins that Redact copies: the caller's results
// (which a baseline or a second format may still use) are not changed.
func TestRedactLeavesTheRunAlone(t *testing.T) {
	run := fixtureRun()
	before := fixtureRun()
	const secret = "0123456789abcdef"
	red := Redact(run, []string{secret})
	if diff := cmp.Diff(before, run, cmpopts.IgnoreUnexported(Run{})); diff != "" {
		t.Errorf("Redact changed its input (-before +after):\n%s", diff)
	}
	var b strings.Builder
	if err := WriteJSON(&b, red); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), secret) {
		t.Error("the secret is still in the redacted run")
	}
	if got := red.Counts(); got != run.Counts() {
		t.Errorf("counts changed: %+v, want %+v", got, run.Counts())
	}
}

func TestRedactNil(t *testing.T) {
	if Redact(nil, []string{"secret-value"}) != nil {
		t.Error("Redact(nil) is not nil")
	}
	var r *Redactor
	if got := r.String("x"); got != "x" {
		t.Errorf("nil Redactor changed %q to %q", "x", got)
	}
}

// FuzzRedactor: scrubbing server text never panics, and leaves no
// occurrence of a secret of MinSecretLen bytes or more, nor of its bare
// token, whatever surrounds it. Secrets are kept to letters, digits and
// "-._~" so that no form of one can be rebuilt from the [redacted] mark.
func FuzzRedactor(f *testing.F) {
	f.Add("Bearer k9Zq7Wx2tok", `{"auth":"Bearer k9Zq7Wx2tok","t":"k9Zq7Wx2tok"}`)
	f.Add("abababab", "abababababab")
	f.Add("tok-1234", "x tok-1234tok-1234 tok-123")
	f.Add("Basic YWxpY2U6aHVudGVyMjI=", "alice:hunter22 hunter22")
	f.Fuzz(func(t *testing.T, secret, text string) {
		r := NewRedactor([]string{secret})
		got := r.String(text)
		_ = r.body(text)
		if !safeSecret(secret) {
			return
		}
		for _, raw := range rawSecrets(strings.TrimSpace(secret)) {
			if raw.material >= MinSecretLen && safeSecret(raw.value) && strings.Contains(got, raw.value) {
				t.Errorf("String(%q) = %q still holds %q", text, got, raw.value)
			}
		}
	})
}

// safeSecret reports whether s is letters, digits, "-._~" and inner spaces.
func safeSecret(s string) bool {
	for _, c := range []byte(s) {
		if !isWordByte(c) && !strings.ContainsRune("-._~ ", rune(c)) {
			return false
		}
	}
	return true
}

func TestRedactError(t *testing.T) {
	base := errors.New("config: observer \"ledger\": command \"PGPASSWORD=pg-s3cret-9 psql\" failed")
	err := RedactError(fmt.Errorf("check: %w", base), []string{"pg-s3cret-9"})
	if want := `check: config: observer "ledger": command "PGPASSWORD=[redacted] psql" failed`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if !errors.Is(err, base) {
		t.Error("the scrubbed error no longer wraps the original")
	}
	if RedactError(nil, []string{"x"}) != nil || RedactError(base, nil) != base {
		t.Error("nil or nothing to scrub must come back unchanged")
	}
}
