package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
)

// Upload endpoints (Square's catalog images, Stripe's files) take
// multipart/form-data: a file part and, often, a JSON part that carries the
// request (and in Square's case the idempotency key). idemcheck sends one
// part per top-level field: objects and arrays as JSON parts
// (Content-Type: application/json), everything else as a plain field.

// multipartBoundary is fixed, so a retry's bytes are identical.
const multipartBoundary = "idemcheck-7f3a9c2e5b1d4f60"

// encodeMultipart writes m as multipart/form-data, fields in name order.
func encodeMultipart(m map[string]any) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(multipartBoundary); err != nil {
		return nil, "", fmt.Errorf("encode multipart body: %w", err)
	}
	for _, name := range sortedKeys(m) {
		var part []byte
		h := textproto.MIMEHeader{}
		switch v := m[name].(type) {
		case map[string]any, []any:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, "", fmt.Errorf("encode multipart part %s: %w", name, err)
			}
			part = b
			h.Set("Content-Type", "application/json")
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
		case nil:
			continue
		default:
			part = []byte(fmt.Sprint(v))
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, "", fmt.Errorf("encode multipart part %s: %w", name, err)
		}
		if _, err := pw.Write(part); err != nil {
			return nil, "", fmt.Errorf("encode multipart part %s: %w", name, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("encode multipart body: %w", err)
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}
