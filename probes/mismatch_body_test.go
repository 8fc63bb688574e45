package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

func TestMismatchBodyApplies(t *testing.T) {
	form := func(v any) *openapi.Body {
		return &openapi.Body{ContentType: "application/x-www-form-urlencoded", Value: v}
	}
	base := func() openapi.Operation {
		op := keyedCreate("createHook", "/v1/webhook_endpoints")
		op.Request.Body = form(map[string]any{"enabled_events": []any{"*"}, "url": "https://example.com/idemcheck"})
		return op
	}
	tests := []struct {
		name string
		edit func(*openapi.Operation)
		want string
	}{
		{"a body that differs", func(o *openapi.Operation) {
			o.AltBody = form(map[string]any{"enabled_events": []any{"charge.failed"}, "url": "https://example.com/idemcheck"})
		}, ""},
		{"issue 23: the same bytes are no different body", func(o *openapi.Operation) {
			o.AltBody = form(map[string]any{"enabled_events": []any{"*"}, "url": "https://example.com/idemcheck"})
		}, "the different body encodes to the same bytes as the original, so a reuse with it would be a plain retry"},
		{"the planner's reason is passed on", func(o *openapi.Operation) {
			o.AltSkip = "none of the 2 other bodies tried is valid against the document"
		}, "no second valid body could be built for the operation: none of the 2 other bodies tried is valid against the document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := base()
			tt.edit(&op)
			if got := (mismatchBodyProbe{}).Applies(&op); got != tt.want {
				t.Errorf("Applies = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMismatchBodyStripeWebhookForm is issue 23's false alarm: on a form
// body whose only free fields are an enum item and a URL, mismatch-body
// sent the same bytes twice and concluded "the server ignores the body".
// Against a correct server (the body's bytes fingerprinted with the key)
// the planned operation passes.
func TestMismatchBodyStripeWebhookForm(t *testing.T) {
	ctx := context.Background()
	doc, err := openapi.Load(ctx, filepath.Join("..", "openapi", "testdata", "issue23-bodies.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Plan(ctx, doc, openapi.PlanOptions{Operations: []string{"PostWebhookEndpoints"}, KeyHeader: "Idempotency-Key"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fingerprintingServer())
	t.Cleanup(srv.Close)
	env := Config{BaseURL: srv.URL, Timeout: 5 * time.Second}
	res := Run(ctx, ops, []Probe{mismatchBodyProbe{}}, env)
	if len(res) != 1 || res[0].Verdict != Pass {
		t.Fatalf("results = %+v, want one pass", res)
	}
	if !strings.Contains(res[0].Reason, "rejected with 422") {
		t.Errorf("reason = %q", res[0].Reason)
	}
}

// fingerprintingServer creates on POST and keeps a correct idempotency
// layer: the stored result for the same key and bytes, 422 for the key
// reused with other bytes.
func fingerprintingServer() http.Handler {
	type stored struct {
		body   string
		status int
		reply  []byte
	}
	var mu sync.Mutex
	keys := map[string]stored{}
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Header.Get("Idempotency-Key")
		mu.Lock()
		defer mu.Unlock()
		if s, ok := keys[key]; ok && key != "" {
			if s.body != string(body) {
				http.Error(w, `{"error":"key reused with another request"}`, http.StatusUnprocessableEntity)
				return
			}
			w.WriteHeader(s.status)
			_, _ = w.Write(s.reply)
			return
		}
		n++
		reply, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("we_%d", n), "request": string(body)})
		keys[key] = stored{string(body), http.StatusOK, reply}
		_, _ = w.Write(reply)
	})
}
