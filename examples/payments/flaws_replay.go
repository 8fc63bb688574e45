package payments

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// The flaws of this file answer a reused key the wrong way while keeping
// every payment single (flaws.go documents each); serveKeyed calls these
// hooks, which do the correct thing when the flaw is off.

// reuseStatus is the status that refuses a key reused with another request:
// 422, or 417 under FlawReuse417.
func (s *server) reuseStatus() int {
	if s.policy.reuse417 {
		return http.StatusExpectationFailed
	}
	return http.StatusUnprocessableEntity
}

// write writes resp; under FlawReplayRequestID it first renders the
// response's request id into its JSON body, a new one for every response,
// replays included.
func (s *server) write(w http.ResponseWriter, resp response) {
	if s.policy.requestID {
		resp = withRequestID(resp)
	}
	write(w, resp)
}

// withRequestID returns resp with a fresh "request_id" in its top-level
// JSON object; other bodies are left as they are.
func withRequestID(resp response) response {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(resp.body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return resp
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	id, _ := json.Marshal("req_" + hex.EncodeToString(b[:]))
	obj["request_id"] = id
	body, err := json.Marshal(obj)
	if err != nil {
		return resp
	}
	resp.body = append(body, '\n')
	return resp
}
