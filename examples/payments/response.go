package payments

import (
	"encoding/json"
	"net/http"
)

// response is a complete answer, kept whole so it can be stored and replayed.
type response struct {
	status   int
	location string
	body     []byte // JSON; nil for no content
}

func write(w http.ResponseWriter, resp response) {
	if resp.body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	if resp.location != "" {
		w.Header().Set("Location", resp.location)
	}
	w.WriteHeader(resp.status)
	w.Write(resp.body) //nolint:errcheck // the client is gone; nothing to do
}

func jsonResponse(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "api_error", "encode response")
	}
	return response{status: status, body: append(b, '\n')}
}

func errorResponse(status int, typ, msg string) response {
	return errorCode(status, typ, "", msg)
}

func errorCode(status int, typ, code, msg string) response {
	type detail struct {
		Type    string `json:"type"`
		Code    string `json:"code,omitempty"`
		Message string `json:"message"`
	}
	return jsonResponse(status, struct {
		Error detail `json:"error"`
	}{detail{typ, code, msg}})
}
