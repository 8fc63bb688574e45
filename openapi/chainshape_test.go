package openapi

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// chainsOf plans doc and returns each operation's chain lines, and the
// parameters each leaves unresolved.
func chainsOf(t *testing.T, doc string) (chains map[string][]string, unresolved map[string][]string) {
	t.Helper()
	chains, unresolved = map[string][]string{}, map[string][]string{}
	for _, o := range planDoc(t, []byte(doc)) {
		if o.Skip != "" {
			t.Fatalf("%s not planned: %s", o.ID, o.Skip)
		}
		for _, l := range o.Chain {
			chains[o.ID] = append(chains[o.ID], l.String())
		}
		for _, u := range o.Unresolved {
			unresolved[o.ID] = append(unresolved[o.ID], u.Param)
		}
	}
	return chains, unresolved
}

// TestParentCollectionWrittenWithAnotherParameterName: Stripe writes the
// refunds of a fee as POST /v1/application_fees/{id}/refunds and one
// refund as /v1/application_fees/{fee}/refunds/{id}. The shape is one
// path, so the POST is the refund's producer, its {id} the operation's
// {fee}. Before, no chain was found, and the probes went to
// /v1/application_fees/idemcheck/refunds/idemcheck (404).
func TestParentCollectionWrittenWithAnotherParameterName(t *testing.T) {
	chains, unresolved := chainsOf(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/fees/{id}/refunds:
    post:
      operationId: createFeeRefund
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}, fee: {type: string}}}}}}}
  /v1/fees/{fee}/refunds/{id}:
    post:
      operationId: updateFeeRefund
      parameters:
        - {name: fee, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
`)
	want := map[string][]string{"updateFeeRefund": {"{id} ← createFeeRefund /id (under this {fee}, its {id})"}}
	if d := cmp.Diff(want, chains); d != "" {
		t.Errorf("chains (-want +got):\n%s", d)
	}
	// nothing creates a fee: both operations say so
	wantU := map[string][]string{"createFeeRefund": {"id"}, "updateFeeRefund": {"fee"}}
	if d := cmp.Diff(wantU, unresolved); d != "" {
		t.Errorf("unresolved (-want +got):\n%s", d)
	}
}

// TestParentCollectionWithTheDocumentsSuffix: Twilio writes every path
// with .json on its last segment, parents included: the {AccountSid} of
// /Accounts/{AccountSid}/Addresses.json is created by POST /Accounts.json.
// Before, nothing chained it and every experiment went to the example
// account.
func TestParentCollectionWithTheDocumentsSuffix(t *testing.T) {
	chains, unresolved := chainsOf(t, `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  parameters:
    account: {name: AccountSid, in: path, required: true, example: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, schema: {type: string, pattern: "^AC[0-9a-fA-F]{32}$"}}
paths:
  /2010-04-01/Accounts.json:
    post:
      operationId: CreateAccount
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {sid: {type: string}, owner_account_sid: {type: string}}}}}}}
  /2010-04-01/Accounts/{AccountSid}/Addresses.json:
    post:
      operationId: CreateAddress
      parameters: [{$ref: '#/components/parameters/account'}]
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {sid: {type: string}, account_sid: {type: string}}}}}}}
  /2010-04-01/Accounts/{AccountSid}/Addresses/{Sid}.json:
    delete:
      operationId: DeleteAddress
      parameters:
        - {$ref: '#/components/parameters/account'}
        - {name: Sid, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: gone}}
`)
	want := map[string][]string{
		"CreateAddress": {"{AccountSid} ← CreateAccount /sid"},
		"DeleteAddress": {"{AccountSid} ← CreateAccount /sid", "{Sid} ← CreateAddress /sid"},
	}
	if d := cmp.Diff(want, chains); d != "" {
		t.Errorf("chains (-want +got):\n%s", d)
	}
	if len(unresolved) != 0 {
		t.Errorf("unresolved %v, want none", unresolved)
	}
}

func TestSharedParams(t *testing.T) {
	tests := []struct {
		producer, op string
		want         map[string]string
	}{
		{"/v1/fees/{id}/refunds", "/v1/fees/{fee}/refunds/{id}", map[string]string{"id": "fee"}},
		{"/Accounts/{AccountSid}/Calls.json", "/Accounts/{AccountSid}/Calls/{Sid}.json", map[string]string{"AccountSid": "AccountSid"}},
		{"/things/{thing}", "/things/{id}/notes", map[string]string{"thing": "id"}},
		{"/things/{id}#share", "/things/{x}", map[string]string{"id": "x"}}, // a fragment path key
		{"/v1/payments", "/v1/payments/{id}/refunds", nil},                  // no parameters to share
		{"/orders/{id}/items", "/payments/{id}/refunds", nil},               // another path
		{"/a/{x}/b/c", "/a/{x}/b", nil},                                     // longer than the operation's
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, SharedParams(tt.producer, tt.op)); d != "" {
			t.Errorf("SharedParams(%q, %q) (-want +got):\n%s", tt.producer, tt.op, d)
		}
	}
}

// TestIDFieldChosenByExampleAndCompoundStem: DigitalOcean's {namespace_id}
// (example fn-xxxx…) is the namespace's namespace field, whose example is
// the same, not its uuid; {reserved_ipv6} is the reserved IPv6's ip; the
// {logsink_id} of a logsink is the sink's sink_id. An example shared by
// several fields says nothing.
func TestIDFieldChosenByExampleAndCompoundStem(t *testing.T) {
	chains, _ := chainsOf(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v2/namespaces:
    post:
      operationId: createNamespace
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {namespace: {type: object, properties: {
        uuid: {type: string, example: 0000-1111}, namespace: {type: string, example: fn-xxxxxxxx}, label: {type: string}}}}}}}}}
  /v2/namespaces/{namespace_id}:
    delete:
      operationId: deleteNamespace
      parameters: [{name: namespace_id, in: path, required: true, example: fn-xxxxxxxx, schema: {type: string}}]
      responses: {"204": {description: gone}}
  /v2/reserved_ipv6:
    post:
      operationId: reserve
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {reserved_ipv6: {type: object, properties: {
        ip: {type: string, example: "2409:40d0:f7::1"}, region_slug: {type: string, example: nyc3}}}}}}}}}
  /v2/reserved_ipv6/{reserved_ipv6}:
    delete:
      operationId: release
      parameters: [{name: reserved_ipv6, in: path, required: true, example: "2409:40d0:f7::1", schema: {type: string}}]
      responses: {"204": {description: gone}}
  /v2/db/{db_id}/logsink:
    post:
      operationId: createLogsink
      parameters: [{name: db_id, in: path, required: true, schema: {type: string}}]
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {sink: {type: object, properties: {
        sink_id: {type: string}, sink_name: {type: string}}}}}}}}}
  /v2/db/{db_id}/logsink/{logsink_id}:
    delete:
      operationId: deleteLogsink
      parameters:
        - {name: db_id, in: path, required: true, schema: {type: string}}
        - {name: logsink_id, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: gone}}
  /v2/agents:
    post:
      operationId: createAgent
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {agent: {type: object, properties: {
        uuid: {type: string, example: 123e4567-e89b}, project_id: {type: string, example: 123e4567-e89b}}}}}}}}}
  /v2/agents/{agent_uuid}:
    delete:
      operationId: deleteAgent
      parameters: [{name: agent_uuid, in: path, required: true, example: 123e4567-e89b, schema: {type: string}}]
      responses: {"204": {description: gone}}
`)
	want := map[string]string{
		"deleteNamespace": "{namespace_id} ← createNamespace /namespace/namespace",
		"release":         "{reserved_ipv6} ← reserve /reserved_ipv6/ip",
		"deleteLogsink":   "{logsink_id} ← createLogsink /sink/sink_id",
		"deleteAgent":     "{agent_uuid} ← createAgent /agent/uuid", // by its name: two fields show the example
	}
	for op, c := range want {
		if !contains(chains[op], c) {
			t.Errorf("%s: chains %q, want %q", op, chains[op], c)
		}
	}
}

// TestVariantNameWrittenBesideIsNotTheID: Cashfree writes customer_id and
// customer_uid side by side in one object, so customer_uid, which POST
// /customers answers, is not the {customer_id} of the customer's
// instruments: the plan reads no field for it (and marks /id as not
// there). Where no object carries both, the same stem still names it.
func TestVariantNameWrittenBesideIsNotTheID(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  schemas:
    CustomerDetails:
      type: object
      properties: {customer_id: {type: string}, customer_uid: {type: string}, customer_name: {type: string}, customer_phone: {type: string}}
paths:
  /customers:
    post:
      operationId: createCustomer
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {customer_uid: {type: string}, customer_phone: {type: string}}}}}}}
  /customers/{customer_id}/instruments:
    post:
      operationId: saveInstrument
      parameters: [{name: customer_id, in: path, required: true, schema: {type: string}}]
      responses: {"201": {description: saved}}
  /orders:
    post:
      operationId: createOrder
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/CustomerDetails'}}}}
      responses: {"200": {description: ok}}
`
	chains, _ := chainsOf(t, doc)
	if got, want := chains["saveInstrument"], []string{"{customer_id} ← createCustomer /id (not in createCustomer's 2xx response schema)"}; !cmp.Equal(got, want) {
		t.Errorf("saveInstrument chains %q, want %q", got, want)
	}
	// without the object that writes both, customer_uid names the customer
	chains, _ = chainsOf(t, strings.Replace(doc, "customer_id: {type: string}, customer_uid: {type: string}, customer_name: {type: string}, ", "", 1))
	if got, want := chains["saveInstrument"], []string{"{customer_id} ← createCustomer /customer_uid"}; !cmp.Equal(got, want) {
		t.Errorf("without the object: saveInstrument chains %q, want %q", got, want)
	}
}

// TestDeleteOfUnmadeResourceGetsAFreshID (chainunmade.go): a DELETE of a
// resource that nothing in the document creates gets a fresh id for each
// experiment, on its last parameter, or the nearest before it that a fresh
// value fits (an enum does not); a parameter a chain makes stops the
// search: the resource is the experiment's own already. Other operations
// keep the planned value, and every such parameter is listed unresolved.
func TestDeleteOfUnmadeResourceGetsAFreshID(t *testing.T) {
	chains, unresolved := chainsOf(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pins/{pin_id}:
    parameters: [{name: pin_id, in: path, required: true, example: "2324234", schema: {type: string}}]
    get:
      responses: {"200": {description: ok}}
    delete:
      operationId: deletePin
      responses: {"204": {description: gone}}
    patch:
      operationId: patchPin
      responses: {"200": {description: ok}}
  /templates/{scope}/{template_key}/schema:
    delete:
      operationId: deleteSchema
      parameters:
        - {name: scope, in: path, required: true, schema: {type: string, enum: [global, enterprise]}}
        - {name: template_key, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: gone}}
  /scopes/{scope}:
    delete:
      operationId: deleteScope
      parameters: [{name: scope, in: path, required: true, schema: {type: string, enum: [global, enterprise]}}]
      responses: {"204": {description: gone}}
  /orgs:
    post:
      operationId: createOrg
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}}
  /orgs/{org}/settings/{name}:
    delete:
      operationId: deleteOrgSetting
      parameters:
        - {name: org, in: path, required: true, schema: {type: string}}
        - {name: name, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: gone}}
  /orgs/{org}/members/{member}/roles:
    delete:
      operationId: deleteRoles
      parameters:
        - {name: org, in: path, required: true, schema: {type: string}}
        - {name: member, in: path, required: true, schema: {type: string, enum: [a, b]}}
      responses: {"204": {description: gone}}
`)
	fresh := func(p string) string {
		return "{" + p + "} ← a fresh id for each experiment (nothing in the document creates it; a 404 skips)"
	}
	want := map[string][]string{
		"deletePin":        {fresh("pin_id")},
		"deleteSchema":     {fresh("template_key")},
		"deleteOrgSetting": {"{org} ← createOrg /id", fresh("name")},
		"deleteRoles":      {"{org} ← createOrg /id"}, // {member} fits no fresh value, and {org} is the experiment's own
	}
	if d := cmp.Diff(want, chains); d != "" {
		t.Errorf("chains (-want +got):\n%s", d)
	}
	wantU := map[string][]string{
		"deletePin": {"pin_id"}, "patchPin": {"pin_id"}, "deleteSchema": {"scope", "template_key"},
		"deleteScope": {"scope"}, "deleteOrgSetting": {"name"}, "deleteRoles": {"member"},
	}
	if d := cmp.Diff(wantU, unresolved); d != "" {
		t.Errorf("unresolved (-want +got):\n%s", d)
	}
	for _, o := range planDoc(t, []byte(deleteScopeDoc)) {
		if o.ID == "deleteScope" && (len(o.Notes) == 0 || !strings.Contains(strings.Join(o.Notes, " "), "no fresh id fits")) {
			t.Errorf("deleteScope notes %q, want one saying no fresh id fits", o.Notes)
		}
	}
}

const deleteScopeDoc = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /scopes/{scope}:
    delete:
      operationId: deleteScope
      parameters: [{name: scope, in: path, required: true, schema: {type: string, enum: [global, enterprise]}}]
      responses: {"204": {description: gone}}
`
