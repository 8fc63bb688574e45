package generic

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of the server itself, over real sockets: the state semantics of
// doc.go and the idempotency semantics of idem.go.

// testServer serves testdata/things.yaml (or spec) with every response
// checked against its document; the test fails if one is not valid.
func testServer(t *testing.T, spec string, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	data, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	opts.CheckResponses = true
	srv, err := New(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		if p := srv.Problems(); len(p) > 0 {
			t.Errorf("the server's own problems: %q", p)
		}
	})
	return srv, hs
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
	return m
}

var keys atomic.Int64

func freshKey() string { return fmt.Sprintf("key-%d-%d", time.Now().UnixNano(), keys.Add(1)) }

// do sends a request; headers are "Name: value" lines.
func do(t *testing.T, base, method, path, contentType, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Api-Key", "principal-a")
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

const things = "testdata/things.yaml"

func createThing(t *testing.T, base, body string, headers ...string) reply {
	t.Helper()
	return do(t, base, "POST", "/things", "application/json", body, append([]string{"Idempotency-Key: " + freshKey()}, headers...)...)
}

func TestCreateListReadUpdateDelete(t *testing.T) {
	_, hs := testServer(t, things, Options{})
	base := hs.URL

	created := createThing(t, base, `{"name":"ada","description":"canary-1"}`)
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	thing := created.json(t)
	id, _ := thing["id"].(string)
	if !regexp.MustCompile(`^thg_[a-z0-9]{8}$`).MatchString(id) {
		t.Errorf("id %q is not valid for the path parameter's pattern", id)
	}
	if got := created.header.Get("Location"); got != "/things/"+id {
		t.Errorf("Location %q, want /things/%s", got, id)
	}
	if thing["name"] != "ada" || thing["description"] != "canary-1" {
		t.Errorf("the request's fields are not echoed: %s", created.body)
	}

	list := do(t, base, "GET", "/things", "", "").json(t)
	data, _ := list["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["id"] != id || list["total_count"] != 1.0 || list["has_more"] != false {
		t.Errorf("list: %v", list)
	}

	first := do(t, base, "GET", "/things/"+id, "", "")
	again := do(t, base, "GET", "/things/"+id, "", "")
	if first.status != 200 || first.body != again.body || first.body != created.body {
		t.Errorf("reads differ:\ncreate %s\nread   %s\nread   %s", created.body, first.body, again.body)
	}

	tests := []struct {
		name, method, path, contentType, body string
		key                                   bool
		want                                  int
	}{
		{"patch of a thing never created", "PATCH", "/things/thg_00000000", "application/json", `{"name":"x"}`, true, 404},
		{"update-style POST of a thing never created", "POST", "/things/thg_00000000", "application/x-www-form-urlencoded", "name=x", false, 404},
		{"action under a thing never created", "POST", "/things/thg_00000000/ping", "", "", false, 404},
		{"patch", "PATCH", "/things/" + id, "application/json", `{"name":"grace"}`, true, 200},
		{"update-style POST with a form", "POST", "/things/" + id, "application/x-www-form-urlencoded", "name=hopper&size=3", false, 200},
		{"action under the thing", "POST", "/things/" + id + "/ping", "", "", false, 202},
		{"delete", "DELETE", "/things/" + id, "", "", false, 204},
		{"delete again", "DELETE", "/things/" + id, "", "", false, 404},
		{"read after delete", "GET", "/things/" + id, "", "", false, 404},
		{"patch after delete", "PATCH", "/things/" + id, "application/json", `{"name":"x"}`, true, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.key {
				h = append(h, "Idempotency-Key: "+freshKey())
			}
			r := do(t, base, tt.method, tt.path, tt.contentType, tt.body, h...)
			if r.status != tt.want {
				t.Fatalf("%s %s: %d %s, want %d", tt.method, tt.path, r.status, r.body, tt.want)
			}
			switch tt.name {
			case "patch":
				if m := r.json(t); m["name"] != "grace" || m["description"] != "canary-1" {
					t.Errorf("patch did not merge: %s", r.body)
				}
			case "update-style POST with a form":
				if m := r.json(t); m["name"] != "hopper" || m["size"] != 3.0 || m["description"] != "canary-1" {
					t.Errorf("update did not merge: %s", r.body)
				}
			case "action under the thing":
				if m := r.json(t); m["thing"] != id {
					t.Errorf("the parent is not named in the action's answer: %s", r.body)
				}
			}
		})
	}
}

func TestPutUpserts(t *testing.T) {
	_, hs := testServer(t, things, Options{})
	if r := do(t, hs.URL, "GET", "/widgets/7", "", ""); r.status != 404 {
		t.Fatalf("a widget nobody put: %d", r.status)
	}
	first := do(t, hs.URL, "PUT", "/widgets/7", "application/json", `{"color":"red"}`)
	second := do(t, hs.URL, "PUT", "/widgets/7", "application/json", `{"color":"red"}`)
	read := do(t, hs.URL, "GET", "/widgets/7", "", "")
	if first.status != 201 || second.status != 200 || read.status != 200 {
		t.Fatalf("statuses %d %d %d, want 201 200 200", first.status, second.status, read.status)
	}
	if first.body != second.body || second.body != read.body {
		t.Errorf("the same PUT twice left different state:\n%s\n%s\n%s", first.body, second.body, read.body)
	}
	if m := read.json(t); m["widget_id"] != 7.0 || m["color"] != "red" {
		t.Errorf("read %s", read.body)
	}
	if m := do(t, hs.URL, "PUT", "/widgets/7", "application/json", `{"color":"blue"}`).json(t); m["color"] != "blue" {
		t.Errorf("a PUT did not replace: %v", m)
	}
}

func TestInvalidRequestsAreRefusedAndRecorded(t *testing.T) {
	srv, hs := testServer(t, things, Options{})
	tests := []struct {
		name, method, path, contentType, body string
		headers                               []string
		want                                  int
		keyOnly                               bool
		reason                                string
	}{
		{"missing required body field", "POST", "/things", "application/json", `{"description":"x"}`, []string{"Idempotency-Key: k1"}, 400, false, `property "name" is missing`},
		{"missing required key", "POST", "/things", "application/json", `{"name":"x"}`, nil, 400, true, `header parameter "Idempotency-Key": required`},
		{"path parameter off its pattern", "GET", "/things/nope", "", "", nil, 400, false, `path parameter "thing_id"`},
		{"query parameter off its schema", "GET", "/things?limit=0", "", "", nil, 400, false, `query parameter "limit"`},
		{"integer path parameter", "GET", "/widgets/abc", "", "", nil, 400, false, `path parameter "widget_id"`},
		{"body of an undeclared type", "POST", "/search", "text/plain", "q", nil, 400, false, `Content-Type`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, hs.URL, tt.method, tt.path, tt.contentType, tt.body, tt.headers...)
			if r.status != tt.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.want)
			}
			got := srv.Invalid()
			if len(got) != i+1 {
				t.Fatalf("%d invalid requests recorded, want %d", len(got), i+1)
			}
			last := got[i]
			if last.KeyOnly != tt.keyOnly || !strings.Contains(strings.Join(last.Reasons, "; "), tt.reason) {
				t.Errorf("recorded %+v, want key-only %v and a reason with %q", last, tt.keyOnly, tt.reason)
			}
		})
	}
	if r := do(t, hs.URL, "GET", "/nowhere", "", ""); r.status != 404 || len(srv.Unrouted()) != 1 {
		t.Errorf("an unknown path: %d, unrouted %q", r.status, srv.Unrouted())
	}
	if r := do(t, hs.URL, "PUT", "/things", "", ""); r.status != 405 {
		t.Errorf("an unknown method: %d", r.status)
	}
}

func TestIdempotency(t *testing.T) {
	_, hs := testServer(t, things, Options{})
	base := hs.URL
	count := func() int {
		m := do(t, base, "GET", "/things", "", "").json(t)
		return len(m["data"].([]any))
	}
	body := `{"name":"ada"}`

	t.Run("replay", func(t *testing.T) {
		before, k := count(), freshKey()
		first := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k)
		again := do(t, base, "POST", "/things", "application/json", "{ \"name\" : \"ada\" }", "Idempotency-Key: "+k)
		if first.status != 201 || again.status != 201 || first.body != again.body || again.header.Get(ReplayedHeader) != "true" || first.header.Get(ReplayedHeader) != "" {
			t.Errorf("first %d %s, replay %d %s (replayed %q)", first.status, first.body, again.status, again.body, again.header.Get(ReplayedHeader))
		}
		if again.header.Get("Location") != first.header.Get("Location") {
			t.Errorf("Location not replayed")
		}
		if n := count(); n != before+1 {
			t.Errorf("%d things created, want 1", n-before)
		}
	})
	t.Run("quoted key is the same key", func(t *testing.T) {
		k := freshKey()
		first := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k)
		again := do(t, base, "POST", "/things", "application/json", body, `Idempotency-Key: "`+k+`"`)
		if again.body != first.body || again.header.Get(ReplayedHeader) != "true" {
			t.Errorf("the RFC 8941 string form of the key was not the same key")
		}
	})
	t.Run("reuse with another request", func(t *testing.T) {
		before, k := count(), freshKey()
		do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k)
		other := do(t, base, "POST", "/things", "application/json", `{"name":"grace"}`, "Idempotency-Key: "+k)
		if other.status != 422 {
			t.Errorf("reused key: %d %s, want 422", other.status, other.body)
		}
		if n := count(); n != before+1 {
			t.Errorf("%d things created, want 1", n-before)
		}
	})
	t.Run("keys are scoped to the principal", func(t *testing.T) {
		k := freshKey()
		a := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k)
		b := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k, "X-Api-Key: principal-b")
		if b.status != 201 || b.header.Get(ReplayedHeader) != "" || b.json(t)["id"] == a.json(t)["id"] {
			t.Errorf("principal B got %d %s (replayed %q); A got %s", b.status, b.body, b.header.Get(ReplayedHeader), a.body)
		}
	})
	t.Run("malformed keys", func(t *testing.T) {
		for _, k := range []string{"", strings.Repeat("k", MaxKeyLength+1)} {
			if r := do(t, base, "POST", "/things", "application/json", body, "Idempotency-Key: "+k); r.status != 400 {
				t.Errorf("key of %d bytes: %d, want 400", len(k), r.status)
			}
		}
	})
	t.Run("key in the body", func(t *testing.T) {
		k := freshKey()
		req := `{"query":"tea","idempotency_key":"` + k + `"}`
		first := do(t, base, "POST", "/search", "application/json", req)
		again := do(t, base, "POST", "/search", "application/json", req)
		other := do(t, base, "POST", "/search", "application/json", `{"query":"coffee","idempotency_key":"`+k+`"}`)
		unkeyed := do(t, base, "POST", "/search", "application/json", `{"query":"tea"}`)
		if first.body != again.body || again.header.Get(ReplayedHeader) != "true" || other.status != 422 || unkeyed.body == first.body {
			t.Errorf("first %s\nagain %s (%q)\nother %d\nunkeyed %s", first.body, again.body, again.header.Get(ReplayedHeader), other.status, unkeyed.body)
		}
	})
}

// TestInFlightConflict releases concurrent copies of one keyed request
// while the first is processed: exactly one is processed, the others get
// 409, and a retry afterwards gets the stored result.
func TestInFlightConflict(t *testing.T) {
	_, hs := testServer(t, things, Options{ProcessingTime: 200 * time.Millisecond})
	k := freshKey()
	const copies = 5
	replies := make([]reply, copies)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range replies {
		wg.Go(func() {
			<-start
			replies[i] = do(t, hs.URL, "POST", "/things", "application/json", `{"name":"ada"}`, "Idempotency-Key: "+k)
		})
	}
	close(start)
	wg.Wait()
	statuses := map[int]int{}
	var created string
	for _, r := range replies {
		statuses[r.status]++
		if r.status == 201 {
			created = r.body
		}
	}
	if statuses[201] != 1 || statuses[409] != copies-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", statuses, copies-1)
	}
	if r := do(t, hs.URL, "POST", "/things", "application/json", `{"name":"ada"}`, "Idempotency-Key: "+k); r.body != created {
		t.Errorf("the retry got %d %s, not the stored result", r.status, r.body)
	}
	if m := do(t, hs.URL, "GET", "/things", "", "").json(t); len(m["data"].([]any)) != 1 {
		t.Errorf("%d things, want 1", len(m["data"].([]any)))
	}
}

func TestVariants(t *testing.T) {
	for _, v := range Variants() {
		t.Run(v.Name, func(t *testing.T) {
			opts := v.Options
			opts.CheckResponses = true
			srv, err := New(v.Spec, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !srv.DeclaresKeys() {
				t.Errorf("%s declares no key", v.Name)
			}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			switch v.Name {
			case "generic-put-customers":
				putCustomers(t, hs.URL)
			case "generic-refund-quota":
				refundQuota(t, hs.URL)
			case "generic-rerendered-list":
				rerenderedList(t, hs.URL)
			case "generic-webhook-form":
				webhookForm(t, hs.URL)
			default:
				t.Fatalf("no test for variant %s", v.Name)
			}
			if p := srv.Problems(); len(p) > 0 {
				t.Errorf("problems: %q", p)
			}
			if iv := srv.Invalid(); len(iv) > 0 {
				t.Errorf("invalid requests: %v", iv)
			}
		})
	}
}

func putCustomers(t *testing.T, base string) {
	key := "Idempotency-Key: " + freshKey()
	if r := do(t, base, "PATCH", "/v1/customers/cus_abcdefgh12", "application/json", `{"name":"x"}`, key); r.status != 404 {
		t.Errorf("PATCH before PUT: %d", r.status)
	}
	if r := do(t, base, "PUT", "/v1/customers/cus_abcdefgh12", "application/json", `{"name":"ada"}`); r.status != 201 || r.json(t)["id"] != "cus_abcdefgh12" {
		t.Errorf("PUT: %d %s", r.status, r.body)
	}
	if r := do(t, base, "PATCH", "/v1/customers/cus_abcdefgh12", "application/json", `{"email":"ada@example.com"}`, "Idempotency-Key: "+freshKey()); r.status != 200 || r.json(t)["name"] != "ada" || r.json(t)["email"] != "ada@example.com" {
		t.Errorf("PATCH after PUT: %d %s", r.status, r.body)
	}
}

func refundQuota(t *testing.T, base string) {
	pay := do(t, base, "POST", "/v1/payments", "application/json", `{"amount":100,"currency":"usd"}`, "Idempotency-Key: "+freshKey()).json(t)
	id := pay["id"].(string)
	for i := range RefundQuota {
		r := do(t, base, "POST", "/v1/payments/"+id+"/refunds", "application/json", `{"amount":1}`, "Idempotency-Key: "+freshKey())
		if r.status != 201 || r.json(t)["payment"] != id {
			t.Fatalf("refund %d: %d %s", i+1, r.status, r.body)
		}
	}
	k := "Idempotency-Key: " + freshKey()
	over := do(t, base, "POST", "/v1/payments/"+id+"/refunds", "application/json", `{"amount":1}`, k)
	retry := do(t, base, "POST", "/v1/payments/"+id+"/refunds", "application/json", `{"amount":1}`, k)
	if over.status != 400 || !strings.Contains(over.body, "refund exceeds payment") || retry.body != over.body || retry.header.Get(ReplayedHeader) != "true" {
		t.Errorf("refund %d: %d %s; its retry %d %s (replayed %q)", RefundQuota+1, over.status, over.body, retry.status, retry.body, retry.header.Get(ReplayedHeader))
	}
	list := do(t, base, "GET", "/v1/payments/"+id+"/refunds", "", "").json(t)
	if n := len(list["data"].([]any)); n != RefundQuota {
		t.Errorf("%d refunds listed, want %d", n, RefundQuota)
	}
}

func rerenderedList(t *testing.T, base string) {
	order := do(t, base, "POST", "/v1/orders", "application/json", `{"sku":"tea","quantity":1,"note":"canary"}`, "Idempotency-Key: "+freshKey()).json(t)
	a := do(t, base, "GET", "/v1/orders", "", "").body
	b := do(t, base, "GET", "/v1/orders", "", "").body
	if a == b || !strings.Contains(a, "canary") || strings.Contains(a, order["id"].(string)) {
		t.Errorf("two list reads: %s and %s; the order is %v", a, b, order)
	}
	if r := do(t, base, "DELETE", "/v1/orders/"+order["id"].(string), "", ""); r.status != 204 {
		t.Errorf("cancel: %d %s", r.status, r.body)
	}
	if r := do(t, base, "GET", "/v1/orders", "", ""); strings.Contains(r.body, "canary") {
		t.Errorf("the cancelled order is still listed: %s", r.body)
	}
}

func webhookForm(t *testing.T, base string) {
	form := url.Values{"enabled_events[0]": {"*"}, "url": {"https://example.com/hook"}}.Encode()
	r := do(t, base, "POST", "/v1/webhook_endpoints", "application/x-www-form-urlencoded", form, "Idempotency-Key: "+freshKey())
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if !regexp.MustCompile(`^we_[A-Za-z0-9]{24}$`).MatchString(m["id"].(string)) || m["url"] != "https://example.com/hook" {
		t.Errorf("created %s", r.body)
	}
	if d := do(t, base, "DELETE", "/v1/webhook_endpoints/"+m["id"].(string), "", "").json(t); d["deleted"] != true || d["id"] != m["id"] {
		t.Errorf("delete: %v", d)
	}
}
