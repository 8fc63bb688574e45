package report

import "testing"

// TestReasonShape: what changes from one operation to the next leaves the
// shape; what says what happened (statuses, words) stays.
func TestReasonShape(t *testing.T) {
	tests := []struct{ reason, want string }{
		{"retry 1 differs from the first response (status 201 → 201); the retries added 2 side effect(s)",
			"retry N differs from the first response (status 201 → 201); the retries added N side effect(s)"},
		{"the defect showed in 3 of 3 rounds of 10 concurrent requests (h2 release)", "the defect showed in N of N rounds of N concurrent requests (h2 release)"},
		{`the reuse got 409 with body "key in use" for pay_3kub2lbyndpw4d`, `the reuse got 409 with body "…" for …`},
		{"control on another id (r0_eb7d3c9d000000ad): observe collection GET /v1/r0/r0_eb7d3c9d: failed", "control on another id (…): observe collection GET …: failed"},
		{"read tcp 127.0.0.1:50001->127.0.0.1:8080: connection reset by peer", "read tcp …->…: connection reset by peer"},
		{"drop after 50ms: answered 5xx", "drop after Nms: answered 5xx"},
		{"key with a control character (0x01): not sendable", "key with a control character (0x01): not sendable"},
		{"operation createR17 answered https://api.example.com/x?y=1 with 500", "operation … answered … with 500"},
	}
	for _, tt := range tests {
		if got := reasonShape(tt.reason); got != tt.want {
			t.Errorf("reasonShape(%q)\n got %q\nwant %q", tt.reason, got, tt.want)
		}
	}
}
