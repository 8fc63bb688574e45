package examples

import "net/http"

// Protocols are what the example servers speak: HTTP/1.1 and HTTP/2 with
// prior knowledge (h2c) on the same plain-text port, so every release mode
// of the concurrent probe — HTTP/1.1 last-byte and HTTP/2 single-packet —
// can be tried against them. HTTP/2 over TLS is tested with httptest's
// EnableHTTP2 instead.
func Protocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}
