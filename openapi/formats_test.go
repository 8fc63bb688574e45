package openapi

import (
	"testing"
)

// TestFormatsProvenStrictly pins that what idemcheck sends keeps the
// string formats a strict server checks: a document example that breaks
// one is passed over for a generated body (Twilio's SIP domain example
// sends VoiceFallbackUrl ""), and mismatch-body's alternative never breaks
// one (DigitalOcean's batch file_id, a uuid, got a digit appended and the
// server refused the request).
func TestFormatsProvenStrictly(t *testing.T) {
	ops := planDoc(t, []byte(`openapi: 3.0.3
info: {title: formats, version: "1"}
paths:
  /domains:
    post:
      operationId: createDomain
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [DomainName]
              properties:
                DomainName: {type: string}
                VoiceFallbackUrl: {type: string, format: uri}
            examples:
              create:
                value: {DomainName: scranton.example.com, VoiceFallbackUrl: ""}
      responses:
        "201": {description: created}
  /batches:
    post:
      operationId: createBatch
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [file_id]
              properties:
                file_id: {type: string, format: uuid}
            example: {file_id: a1b2c3d4-e5f6-4789-90ab-cdef12345678}
      responses:
        "201": {description: created}
`))
	domain := bodiesOp(t, ops, "POST /domains")
	if domain.Request == nil || domain.Request.Body == nil {
		t.Fatalf("POST /domains: no request (%s)", domain.Skip)
	}
	if got := bodyWire(t, domain.Request.Body); got != "DomainName=idemcheck" {
		t.Errorf("POST /domains sends %s; want the generated body, the example's empty URL refused", got)
	}
	batch := bodiesOp(t, ops, "POST /batches")
	if batch.Request == nil || batch.Request.Body == nil {
		t.Fatalf("POST /batches: no request (%s)", batch.Skip)
	}
	if got := bodyWire(t, batch.Request.Body); got != `{"file_id":"a1b2c3d4-e5f6-4789-90ab-cdef12345678"}` {
		t.Errorf("POST /batches sends %s; want the document's example", got)
	}
	if batch.AltBody != nil {
		id, _ := batch.AltBody.Value.(map[string]any)["file_id"].(string)
		if !uuidFormatRE.MatchString(id) {
			t.Errorf("mismatch-body's alternative sends file_id %q, not a uuid", id)
		}
	}
}
