package probes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// A refused control is an error, never a verdict; the error line says why
// the server refused it, in the server's own words, so the user knows what
// to change.

// A request the experiment stands on that was not processed is worded by
// what the server did: a 4xx is the request's fault and gets advice about
// the request; a 5xx is the server's failure; a 429 (or a 503 with
// Retry-After) throttles the run; a 3xx points elsewhere, where idemcheck
// does not go. Only the first of these is fixed with -H or --config.

// requestAdvice is what fixes a request the server refuses.
const requestAdvice = "fix the request (-H, --config: body, path_params, key format) first"

// notProcessedLine is the error line for label, not processed as r shows;
// consequence says what that means for the experiment ("the experiment
// proves nothing").
func notProcessedLine(label, consequence string, r *reply) string {
	switch {
	case r == nil:
		return fmt.Sprintf("%s got no response, so %s", label, consequence)
	case r.Status >= 300 && r.Status < 400:
		return fmt.Sprintf("%s was not processed: the server redirected it (status %d%s), so %s; idemcheck does not follow redirects (it talks to the base URL only): point --base-url where the API answers", label, r.Status, redirectTarget(r), consequence)
	case r.throttled() && (r.Status == http.StatusTooManyRequests || r.Header.Get("Retry-After") != ""):
		return fmt.Sprintf("%s was not processed: %s, so %s; %s", label, throttleWhat(r), consequence, throttleAdvice)
	case r.Status >= 500:
		return fmt.Sprintf("%s was not processed: the server failed (%s), so %s; the failure is the server's, not the request's", label, refusal(r), consequence)
	case r.is4xx():
		return fmt.Sprintf("%s was not processed (%s), so %s; %s", label, refusal(r), consequence, requestAdvice)
	}
	return fmt.Sprintf("%s was not processed (%s), so %s", label, refusal(r), consequence)
}

// throttleAdvice is what to do when the server throttles the run.
const throttleAdvice = "wait before running again, or lower the request rate with --rate"

// throttleWhat says that the server throttled the run, quoting its status,
// message and Retry-After.
func throttleWhat(r *reply) string {
	return "the server throttled the run (" + throttleQuote(r) + ")"
}

// throttleQuote is a throttling answer's status, message and Retry-After.
func throttleQuote(r *reply) string {
	what := refusal(r)
	if ra := r.Header.Get("Retry-After"); ra != "" {
		what += ", Retry-After: " + clip(ra)
	}
	return what
}

// throttledLine is the error line for a step that got a throttling answer
// (429, 503), which says nothing about what the step tests (about).
func throttledLine(step, about string, r *reply) string {
	if r.Status == http.StatusServiceUnavailable && r.Header.Get("Retry-After") == "" {
		return fmt.Sprintf("the server failed on %s (%s), which says nothing about %s; the failure is the server's, not the request's", step, refusal(r), about)
	}
	return fmt.Sprintf("the server throttled %s (%s), which says nothing about %s; %s", step, throttleQuote(r), about, throttleAdvice)
}

// redirectTarget is " to <scheme://host/path>" of a redirect's Location,
// without its query (it may carry a token) and fragment; "" without one.
func redirectTarget(r *reply) string {
	loc := r.Header.Get("Location")
	if loc == "" {
		return ", no Location"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return " to an unreadable Location"
	}
	u.RawQuery, u.Fragment, u.User, u.RawFragment, u.ForceQuery = "", "", nil, "", false
	return " to " + clip(u.String())
}

// maxQuoted bounds how much of a body a refusal quotes.
const maxQuoted = 200

// refusal describes a refused reply: "status 400: \"Idempotency-Key must be
// a UUID\"", quoting the message/detail/error field of a JSON body, else
// the start of the body.
func refusal(r *reply) string {
	if r == nil {
		return "no response"
	}
	msg := serverMessage(r.Body)
	if msg == "" {
		return fmt.Sprintf("status %d", r.Status)
	}
	return fmt.Sprintf("status %d: %q", r.Status, msg)
}

// serverMessage is what a response body says, on one line: a JSON body's
// message, detail or error (also nested: {"error": {"message": …}}, or the
// first of an errors list), else its first maxQuoted characters.
func serverMessage(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		if m := messageIn(v, 0); m != "" {
			return clip(m)
		}
	}
	return clip(string(body))
}

func messageIn(v any, depth int) string {
	if depth > 3 {
		return ""
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range []string{"message", "detail", "error_description", "error", "title", "errors"} {
			switch f := t[k].(type) {
			case string:
				if strings.TrimSpace(f) != "" {
					return f
				}
			case map[string]any, []any:
				if m := messageIn(f, depth+1); m != "" {
					return m
				}
			}
		}
	case []any:
		if len(t) > 0 {
			return messageIn(t[0], depth+1)
		}
	}
	return ""
}

// clip makes s one line of at most maxQuoted characters.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return s
}
