package generic

import (
	"strings"
	"testing"
)

// A client names what it created by the property of the create's answer
// that the real API reads back (idfield.go): the tests create over a real
// socket, read the id where the rule says, and read the resource back by
// it, as idemcheck's chains do.
func TestIDFields(t *testing.T) {
	_, hs := testServer(t, "testdata/idfields.yaml", Options{})
	base := hs.URL
	// the parents of the sub-resources
	agent := do(t, base, "POST", "/v2/agents", "application/json", `{"name":"a"}`).json(t)
	agentUUID, _ := at(agent, "agent", "uuid").(string)
	if agentUUID == "" {
		t.Fatalf("no agent uuid: %v", agent)
	}

	tests := []struct {
		name        string
		create      string // "METHOD path", with the body below
		contentType string
		body        string
		pointer     []string // where the id must be
		read        string   // the read-back path, {} for the id
		wrong       []string // where it must not be: another property's value does not name it
	}{
		{"Stripe's {promotion_code} is the id, not the code", "POST /v1/promotion_codes", "application/x-www-form-urlencoded", "code=SPRING",
			[]string{"id"}, "/v1/promotion_codes/{}", []string{"code"}},
		{"Cashfree's {customer_id} is customer_uid", "POST /customers", "application/json", `{"customer_phone":"9999999999"}`,
			[]string{"customer_uid"}, "/customers/{}/instruments", nil},
		{"DigitalOcean's {namespace_id} is the property with its example", "POST /v2/functions/namespaces", "application/json", `{"label":"l"}`,
			[]string{"namespace", "namespace"}, "/v2/functions/namespaces/{}", []string{"namespace", "uuid"}},
		{"DigitalOcean's {tag_id} is the name with its pattern", "POST /v2/tags", "application/json", `{"name":"awesome"}`,
			[]string{"tag", "name"}, "/v2/tags/{}", nil},
		{"Square's {terminal_refund_id} is the refund's id, not its refund_id", "POST /v2/terminals/refunds", "application/json", `{"idempotency_key":"k"}`,
			[]string{"refund", "id"}, "/v2/terminals/refunds/{}", []string{"refund", "refund_id"}},
		{"DigitalOcean's {logsink_id} is its envelope's sink_id", "POST /v2/databases/db1/logsink", "application/json", `{"sink_name":"s"}`,
			[]string{"sink", "sink_id"}, "/v2/databases/db1/logsink/{}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path, _ := strings.Cut(tt.create, " ")
			created := do(t, base, method, path, tt.contentType, tt.body)
			if created.status >= 300 {
				t.Fatalf("create: %d %s", created.status, created.body)
			}
			m := created.json(t)
			id, _ := at(m, tt.pointer...).(string)
			if id == "" {
				t.Fatalf("no id at /%s: %s", strings.Join(tt.pointer, "/"), created.body)
			}
			if r := do(t, base, "GET", strings.Replace(tt.read, "{}", id, 1), "", ""); r.status != 200 {
				t.Errorf("read back by /%s: %d %s", strings.Join(tt.pointer, "/"), r.status, r.body)
			}
			if tt.wrong != nil {
				other, _ := at(m, tt.wrong...).(string)
				if r := do(t, base, "GET", strings.Replace(tt.read, "{}", other, 1), "", ""); r.status != 404 {
					t.Errorf("read back by /%s (%q): %d, want 404", strings.Join(tt.wrong, "/"), other, r.status)
				}
			}
		})
	}

	t.Run("a refund under /v1/payments/{id} has an id of its own", func(t *testing.T) {
		pay := do(t, base, "POST", "/v1/payments", "application/json", `{"amount":5}`).json(t)
		r := do(t, base, "POST", "/v1/payments/"+pay["id"].(string)+"/refunds", "application/json", `{"amount":1}`)
		ref := r.json(t)
		if r.status != 201 || ref["id"] == pay["id"] || ref["payment"] != pay["id"] {
			t.Fatalf("refund %d %s of payment %v", r.status, r.body, pay["id"])
		}
		list, _ := do(t, base, "GET", "/v1/payments/"+pay["id"].(string)+"/refunds", "", "").json(t)["data"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != ref["id"] {
			t.Errorf("the list does not show the refund %v: %v", ref["id"], list)
		}
	})

	t.Run("attaching a function answers the agent, whose uuid stays the agent's", func(t *testing.T) {
		r := do(t, base, "POST", "/v2/agents/"+agentUUID+"/functions", "application/json", `{"function_name":"f"}`)
		if r.status != 200 {
			t.Fatalf("attach: %d %s", r.status, r.body)
		}
		if got := at(r.json(t), "agent", "uuid"); got != agentUUID {
			t.Errorf("agent.uuid is %v, want the agent's %s", got, agentUUID)
		}
	})
}

// at is the value at the path of property names in v.
func at(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
