package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// echoSecret is a credential whose encodings all differ from it: "/", "+",
// "&", "<", ">" and "=" change under URL, JSON and HTML escaping.
const (
	echoToken  = "k9Zq7Wx2/t0k+en&<x>="
	echoMarker = "k9Zq7Wx2" // in every non-base64 form of the token
	otherToken = "Pr1nc1palB-9f8e7d6c"
)

// newEchoServer is a non-idempotent API (every POST creates an item, so
// probes fail and carry evidence, diffs and effects) that echoes the
// Authorization value everywhere: in a response header, in the body (raw,
// URL-encoded, base64), in its list items and in their ids.
func newEchoServer(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	var items []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo-Authorization", auth)
		w.Header().Set("Content-Type", "application/json")
		_, tok, _ := strings.Cut(auth, " ")
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			json.NewEncoder(w).Encode(map[string]any{"data": items})
		case http.MethodPost:
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			item := map[string]any{
				"id":    fmt.Sprintf("%s-%d", tok, len(items)+1),
				"owner": auth,
				"q":     url.QueryEscape(tok),
				"b64":   base64.StdEncoding.EncodeToString([]byte(tok)),
				"req":   json.RawMessage(body),
			}
			items = append(items, item)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(item)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRedactEchoedAuthorization checks a server that echoes the
// Authorization value with the probes, and renders the run in every
// format: no form of either principal's token is left anywhere.
func TestRedactEchoedAuthorization(t *testing.T) {
	srv := newEchoServer(t)
	path := "/v1/things"
	op := openapi.Operation{
		ID: "createThing", Method: "POST", Path: path,
		Key: openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: path,
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": 100}}},
		Collection: &openapi.Collection{Path: path},
	}
	header := http.Header{"Authorization": {"Bearer " + echoToken}}
	other := http.Header{"Authorization": {"Bearer " + otherToken}}
	env := probes.Config{BaseURL: srv.URL, Header: header, OtherHeader: other, Concurrency: 4, Rounds: 1, Timeout: 5 * time.Second}
	results := probes.Run(context.Background(), []openapi.Operation{op}, probes.All(), env)
	run := &Run{Tool: "idemcheck test", Spec: "openapi.yaml", BaseURL: srv.URL, Gate: probes.Major, Results: results}

	var raw bytes.Buffer
	if err := WriteJSON(&raw, run); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw.String(), echoMarker) || !strings.Contains(raw.String(), "Pr1nc1palB") {
		t.Fatalf("the unredacted run does not carry the echoed tokens; the test proves nothing:\n%.2000s", raw.String())
	}
	if run.Counts().Fail == 0 {
		t.Fatalf("no probe failed against a non-idempotent server: %+v", run.Counts())
	}

	red := Redact(run, HeaderSecrets(header, other))
	if red.Counts() != run.Counts() {
		t.Errorf("redaction changed the counts: %+v, want %+v", red.Counts(), run.Counts())
	}
	formats := map[string]func(io.Writer, *Run) error{
		"junit": WriteJUnit, "json": WriteJSON, "markdown": WriteMarkdown, "html": WriteHTML,
		"terminal":       func(w io.Writer, r *Run) error { return WriteTerminal(w, r, false) },
		"terminal color": func(w io.Writer, r *Run) error { return WriteTerminal(w, r, true) },
		"findings":       func(w io.Writer, r *Run) error { return WriteTerminalFindings(w, r, false) },
	}
	leaks := []string{echoMarker, "Pr1nc1palB"}
	for _, tok := range []string{echoToken, otherToken} {
		for form := range secretForms(tok) {
			leaks = append(leaks, form)
		}
	}
	for name, write := range formats {
		var b bytes.Buffer
		if err := write(&b, red); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(b.String(), Redacted) {
			t.Errorf("%s: no %s mark in the report", name, Redacted)
		}
		for _, leak := range leaks {
			if i := strings.Index(b.String(), leak); i >= 0 {
				t.Errorf("%s: %q is in the report: …%s…", name, leak, b.String()[max(0, i-80):min(b.Len(), i+len(leak)+40)])
			}
		}
	}
}
