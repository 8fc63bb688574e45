package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/probes"
	"github.com/idemcheck/idemcheck/report"
)

// TestCleanupLeavesTheListsAsTheyWere (issue 27): a default check
// --cleanup of every correct example leaves every list of its document as
// it was before the run, and what the server held before (a payment with
// a refund, a customer) untouched. What the run could not remove is only
// what the document has no DELETE for (sent emails: a counter, no list),
// and the report says so.
//
// A broken example may leave more: a server that processes the request
// whose connection retry-after-drop dropped, and processes its retry
// again (or refuses it), created a payment no response named, which the
// cleanup cannot know of. Each such item carries the run's canary, by
// which the report says the rest can be found.
func TestCleanupLeavesTheListsAsTheyWere(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every example")
	}
	for _, v := range examples.Variants() {
		if !strings.HasPrefix(v.Name, "payments") {
			continue // TestCleanupOfGenericExamples: one re-renders its list on every read, so lists are not compared there
		}
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel() // its own server; mostly waiting on its latency
			srv, err := examples.Start(v)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			keep := seedExample(t, srv.URL)
			before := readLists(t, v.Spec, srv.URL)
			opts := exampleOptions(v, srv.URL)
			opts.Cleanup = true
			run := runCheck(t, context.Background(), opts)
			after := readLists(t, v.Spec, srv.URL)
			if len(v.ExpectFail) == 0 {
				if d := cmp.Diff(before, after); d != "" {
					t.Errorf("lists after the check (-before +after):\n%s", d)
				}
			} else {
				unnamedLeftovers(t, before, after, run.Cleanup)
			}
			for _, p := range keep {
				if status := get(t, srv.URL+p, nil); status != http.StatusOK {
					t.Errorf("GET %s after the check: %d; it was there before the run", p, status)
				}
			}
			c := run.Cleanup
			if c == nil || c.CanaryPrefix != probes.CanaryTag || c.Created != len(c.Removed)+len(c.NotRemoved) || len(c.Removed) == 0 {
				t.Fatalf("cleanup %+v", c)
			}
			for _, it := range c.NotRemoved {
				if !strings.HasPrefix(it.Operation, "sendEmail ") && !strings.HasPrefix(it.Operation, "createRefund ") {
					t.Errorf("not removed: %+v", it)
				}
			}
			for _, it := range c.Removed { // the customers the PUTs created read 404 now
				if p, ok := strings.CutPrefix(it.Delete, "DELETE "); ok && strings.HasPrefix(p, "/v1/customers/") {
					// 405: the document has no GET on it (rerendered-list's orders)
					if status := get(t, srv.URL+p, nil); status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
						t.Errorf("GET %s after its cleanup: %d", p, status)
					}
				}
			}
		})
	}
}

// TestCleanupWithoutADelete (issue 27): served with a document that has no
// DELETE for payments, the cleanup removes what it can, and reports every
// payment it could not remove with the reason and the canary it carries,
// by which what stays can be found: the payments left are exactly those.
func TestCleanupWithoutADelete(t *testing.T) {
	v, _ := examples.Lookup("payments")
	v.Spec = withoutDeletePayment(t, v.Spec)
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	before := readLists(t, v.Spec, srv.URL)["GET /v1/payments"]
	opts := exampleOptions(v, srv.URL)
	opts.Cleanup, opts.Probes = true, []string{"replay", "mismatch-target", "natural-put"}
	run := runCheck(t, context.Background(), opts)

	notRemoved := map[string]report.CleanupItem{}
	for _, it := range run.Cleanup.NotRemoved {
		if strings.HasPrefix(it.Operation, "createPayment ") {
			if it.Reason != "the document has no DELETE /v1/payments/{id}" || !strings.HasPrefix(it.Canary, probes.CanaryTag) || it.Delete != "" {
				t.Errorf("not removed: %+v", it)
			}
			notRemoved[it.ID] = it
		}
	}
	if len(notRemoved) == 0 || len(run.Cleanup.Removed) == 0 {
		t.Fatalf("cleanup %+v: want payments not removed, and the customers removed", run.Cleanup)
	}
	left := 0
	for _, item := range readLists(t, v.Spec, srv.URL)["GET /v1/payments"] {
		if slices.Contains(before, item) {
			continue
		}
		left++
		var p struct{ ID, Description string }
		if err := json.Unmarshal([]byte(item), &p); err != nil {
			t.Fatal(err)
		}
		it, ok := notRemoved[p.ID]
		switch {
		case !ok:
			t.Errorf("payment %s is left and the report does not name it", p.ID)
		case p.Description != it.Canary:
			t.Errorf("payment %s carries %q, the report names canary %q", p.ID, p.Description, it.Canary)
		}
	}
	if left != len(notRemoved) {
		t.Errorf("%d payments left, %d reported not removed", left, len(notRemoved))
	}

	var buf bytes.Buffer
	if err := report.WriteCleanup(&buf, run.Cleanup, false); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("not removed  %d × createPayment (POST /v1/payments): the document has no DELETE /v1/payments/{id}", len(notRemoved))
	if !strings.Contains(buf.String(), want) || !strings.Contains(buf.String(), `what stays carries a canary starting "idem-"`) {
		t.Errorf("terminal cleanup lacks %q:\n%s", want, buf.String())
	}
}

// unnamedLeftovers holds what a check --cleanup of a broken example left
// in its lists: only items carrying the run's canary that the cleanup
// report does not name (no response named them), and nothing gone.
func unnamedLeftovers(t *testing.T, before, after map[string][]string, c *report.Cleanup) {
	t.Helper()
	named := map[string]bool{}
	for _, it := range slices.Concat(c.Removed, c.NotRemoved) {
		named[it.ID] = true
	}
	for list, items := range before {
		for _, it := range items {
			if !slices.Contains(after[list], it) {
				t.Errorf("%s: %s is gone or changed", list, it)
			}
		}
	}
	for list, items := range after {
		for _, it := range items {
			if slices.Contains(before[list], it) {
				continue
			}
			var v struct{ ID, Description string }
			_ = json.Unmarshal([]byte(it), &v)
			if !strings.HasPrefix(v.Description, probes.CanaryTag) || named[v.ID] {
				t.Errorf("%s: left %s (named by the report: %v)", list, it, named[v.ID])
			}
		}
	}
}

// withoutDeletePayment is the example's document without its payments'
// DELETE.
func withoutDeletePayment(t *testing.T, spec []byte) []byte {
	t.Helper()
	start := bytes.Index(spec, []byte("    delete:\n      operationId: deletePayment"))
	end := bytes.Index(spec, []byte("  /v1/payments/{id}/refunds:"))
	if start < 0 || end < start {
		t.Fatal("the payments example no longer has deletePayment before /v1/payments/{id}/refunds")
	}
	return slices.Concat(spec[:start], spec[end:])
}

// TestCleanupOfGenericExamples: on the generic examples (correct APIs of
// small documents, examples/generic) a check --cleanup accounts for every
// resource it created: removed with the document's DELETE, or, where the
// document has none (refund-quota's payments and refunds), reported as not
// removed, saying so, and so is what a 200 without the run's canary may
// not have created: each variant does the one or the other throughout.
// Their lists are not compared: one
// of them re-renders its ids on every read by design.
func TestCleanupOfGenericExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every example")
	}
	for _, v := range examples.Variants() {
		if !strings.HasPrefix(v.Name, "generic-") {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel() // its own server; mostly waiting on its latency
			srv, err := examples.Start(v)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			opts := exampleOptions(v, srv.URL)
			opts.Cleanup = true
			run := runCheck(t, context.Background(), opts)
			c := run.Cleanup
			if c == nil || c.Created == 0 || c.Created != len(c.Removed)+len(c.NotRemoved) {
				t.Fatalf("cleanup %+v", c)
			}
			t.Logf("created %d, removed %d, left %d", c.Created, len(c.Removed), len(c.NotRemoved))
			// What each document lets a cleanup do: "" removes every
			// creation; else every one is left, for that reason.
			// refund-quota's document has no DELETE; webhook-form's create
			// answers 200 (Stripe-style) and the generic server does not echo
			// the canary, so nothing proves a creation new.
			left := map[string]string{"generic-refund-quota": "no DELETE", "generic-webhook-form": "may not be new"}[v.Name]
			if left == "" && len(c.NotRemoved) > 0 {
				t.Errorf("%d of %d creations not removed, e.g. %+v", len(c.NotRemoved), c.Created, c.NotRemoved[0])
			}
			if left != "" && len(c.Removed) > 0 {
				t.Errorf("%d removed, although the document lets nothing be removed (%s): e.g. %+v", len(c.Removed), left, c.Removed[0])
			}
			for _, it := range c.NotRemoved {
				if it.Delete != "" || !strings.Contains(it.Reason, left) {
					t.Errorf("not removed, and not for the reason %q: %+v", left, it)
				}
			}
			for _, it := range c.Removed {
				if p, ok := strings.CutPrefix(it.Delete, "DELETE "); ok {
					// 405: the document has no GET on it (generic-put-order)
					if status := get(t, srv.URL+p, nil); status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
						t.Errorf("GET %s after its cleanup: %d", p, status)
					}
				}
			}
		})
	}
}

// seedExample creates, before the run, what the run must leave alone: a
// payment with a refund, and a customer. It returns their paths.
func seedExample(t *testing.T, base string) []string {
	t.Helper()
	var pay struct{ ID string }
	post(t, base+"/v1/payments", `{"amount": 700, "currency": "eur", "description": "kept"}`, &pay)
	post(t, base+"/v1/payments/"+pay.ID+"/refunds", `{"amount": 100}`, nil)
	req, _ := http.NewRequest(http.MethodPut, base+"/v1/customers/cus_kept", strings.NewReader(`{"name": "Kept"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("seed customer: %v %v", resp, err)
	}
	resp.Body.Close()
	return []string{"/v1/payments/" + pay.ID, "/v1/customers/cus_kept"}
}

// post sends a keyed JSON POST and decodes its 201 into out.
func post(t *testing.T, url, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("00000000-0000-4000-8000-%012d", len(url)*1000+len(body))) // a UUID: payments-uuid-keys takes no other
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("seed POST %s: %d %s", url, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// get GETs url, decoding a JSON body into out when not nil, and returns
// the status.
func get(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// readLists reads every list the document declares (a GET whose 200
// response is an array, or an object with one in data, items or results),
// a list under a resource for every item of the list above it
// ("/v1/payments/{id}/refunds" for each payment), and returns each one's
// items as JSON, sorted, by "GET path".
func readLists(t *testing.T, spec []byte, base string) map[string][]string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec) // whole: idemcheck's loader keeps only what it plans
	if err != nil {
		t.Fatal(err)
	}
	var templates []string
	for _, p := range doc.Paths.InMatchingOrder() {
		if item := doc.Paths.Value(p); item.Get != nil && listField(item.Get) != "" {
			templates = append(templates, p)
		}
	}
	if len(templates) == 0 {
		t.Fatal("the document declares no list")
	}
	sort.Strings(templates) // parents first
	lists := map[string][]string{}
	for _, tmpl := range templates {
		i := strings.Index(tmpl, "{")
		if i < 0 {
			lists["GET "+tmpl] = readList(t, base+tmpl)
			continue
		}
		parent := lists["GET "+strings.TrimRight(tmpl[:i], "/")]
		rest := tmpl[strings.Index(tmpl, "}")+1:]
		for _, item := range parent {
			var it struct{ ID string }
			_ = json.Unmarshal([]byte(item), &it)
			p := tmpl[:i] + it.ID + rest
			lists["GET "+p] = readList(t, base+p)
		}
	}
	return lists
}

// listField is where a GET's 200 response holds its list: "" (the top
// level, "[]") or data, items or results; "" and false when it is none.
func listField(op *openapi3.Operation) string {
	r := op.Responses.Value("200")
	if r == nil || r.Value == nil || r.Value.Content["application/json"] == nil {
		return ""
	}
	s := r.Value.Content["application/json"].Schema
	if s == nil || s.Value == nil {
		return ""
	}
	if s.Value.Type.Is("array") {
		return "[]"
	}
	for _, f := range []string{"data", "items", "results"} {
		if p := s.Value.Properties[f]; p != nil && p.Value != nil && p.Value.Type.Is("array") {
			return f
		}
	}
	return ""
}

// readList reads one list's items, as JSON, sorted.
func readList(t *testing.T, url string) []string {
	t.Helper()
	var body struct{ Data []json.RawMessage }
	if status := get(t, url, &body); status != http.StatusOK {
		t.Fatalf("GET %s: %d", url, status)
	}
	out := make([]string, len(body.Data))
	for i, it := range body.Data {
		out[i] = string(it)
	}
	sort.Strings(out)
	return out
}
