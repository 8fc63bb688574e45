package probes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// orderServer is a correct keyed create API (the key is claimed atomically
// before processing) whose conventions vary the way providers' do:
//   - inFlight is the status of a duplicate whose first request is still
//     being processed (409 for the draft, 422 for Adyen);
//   - work is how long processing goes on after the side effect (the order
//     in the list) shows, so a retry after a dropped request meets it in
//     flight;
//   - untilMet makes the processing of every create but the first (the
//     probe's control, whose client waits for it) go on, instead, until a
//     duplicate has met it in flight (or maxWork passed, a safety bound):
//     a test that needs a retry to meet a dropped request in flight then
//     does not depend on how fast a loaded machine sends the retry;
//   - latest makes a replay return the order's latest state, as PayPal
//     documents, each read finding it one step further (CREATED, APPROVED,
//     COMPLETED), with the same id and status code.
type orderServer struct {
	inFlight int
	work     time.Duration
	untilMet bool
	latest   bool

	mu     sync.Mutex
	keys   map[string]*orderKey
	orders []map[string]any
}

type orderKey struct {
	done  bool
	id    string
	reads int
	met   chan struct{} // closed when a duplicate met the key in flight
}

// maxWork bounds how long untilMet processing waits for a duplicate.
const maxWork = 10 * time.Second

var orderStates = []string{"CREATED", "APPROVED", "COMPLETED"}

func (s *orderServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if r.Method == http.MethodGet {
		b, _ := json.Marshal(map[string]any{"data": s.orders})
		s.mu.Unlock()
		writeBody(w, http.StatusOK, b)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if k, ok := s.keys[key]; ok {
		if !k.done {
			if k.met != nil {
				close(k.met)
				k.met = nil
			}
			s.mu.Unlock()
			writeBody(w, s.inFlight, []byte(`{"error":"a request with this key is in progress"}`))
			return
		}
		state := orderStates[0]
		if s.latest {
			state = orderStates[min(k.reads, len(orderStates)-1)]
		}
		k.reads++
		s.mu.Unlock()
		writeBody(w, http.StatusCreated, fmt.Appendf(nil, `{"id":%q,"status":%q}`, k.id, state))
		return
	}
	k := &orderKey{id: fmt.Sprintf("o_%d", len(s.orders)+1)}
	met, hold := make(chan struct{}), s.untilMet && len(s.orders) > 0
	if hold {
		k.met = met
	}
	s.keys[key] = k
	s.orders = append(s.orders, map[string]any{"id": k.id})
	s.mu.Unlock()
	// Processing goes on whether or not the client waits.
	if hold {
		select {
		case <-met:
		case <-time.After(maxWork):
		}
	} else {
		time.Sleep(s.work)
	}
	s.mu.Lock()
	k.done, k.reads = true, 1
	s.mu.Unlock()
	writeBody(w, http.StatusCreated, fmt.Appendf(nil, `{"id":%q,"status":%q}`, k.id, orderStates[0]))
}

func startOrders(t *testing.T, s *orderServer) *httptest.Server {
	t.Helper()
	s.keys, s.orders = map[string]*orderKey{}, []map[string]any{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func mustProfile(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPayPalProfileAppliesToEveryStoredResultComparison: PayPal replays the
// latest state of the resource, not a byte-identical copy. The profile was
// applied by replay only; concurrent (each 2xx copy against the stored
// result) and retry-after-drop (the two retries) compared whole bodies and
// failed a server that follows PayPal. Under ietf the same server fails
// replay; concurrent and retry-after-drop, which see one order and one side
// effect, point to replay instead of failing on the same defect (issue 17).
func TestPayPalProfileAppliesToEveryStoredResultComparison(t *testing.T) {
	tests := []struct {
		probe   Probe
		profile string
		want    Verdict
		reason  string
	}{
		{concurrentProbe{}, "paypal", Pass, "were each processed once"},
		{concurrentProbe{}, "ietf", Pass, "differ from the stored result but name the same resource: replays are not rendered identically, see replay"},
		{retryAfterDropProbe{}, "paypal", Pass, "answered alike"},
		{retryAfterDropProbe{}, "ietf", Pass, "the two retries differ in their body only; an ordinary replay differs from its first response as well"},
		{replayProbe{}, "paypal", Pass, "returned the stored result"},
		{replayProbe{}, "ietf", Fail, "differs from the first response"},
	}
	for _, tt := range tests {
		t.Run(tt.probe.Meta(nil).ID+"/"+tt.profile, func(t *testing.T) {
			srv := startOrders(t, &orderServer{inFlight: http.StatusConflict, work: 20 * time.Millisecond, latest: true})
			env := Env{Profile: mustProfile(t, tt.profile), Concurrency: 5, Rounds: 2}
			r := runOneProbe(t, tt.probe, srv.URL, keyedCreate("createOrder", "/orders"), env)
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want %s with %q\n%s", r.Verdict, r.Reason, tt.want, tt.reason, strings.Join(r.Diffs, "\n"))
			}
		})
	}
}

// TestRetryAfterDropHonoursProfileInFlightStatuses: a retry that meets the
// dropped request still in flight is answered with the profile's in-flight
// status (Adyen: 422 or 409) and must be retried, not judged; the probe
// retried on 409 only and failed a correct Adyen-style server. A status the
// profile does not accept for in-flight duplicates still fails.
func TestRetryAfterDropHonoursProfileInFlightStatuses(t *testing.T) {
	tests := []struct {
		profile  string
		inFlight int
		want     Verdict
		reason   string
	}{
		{"adyen", http.StatusUnprocessableEntity, Pass, "exactly one request's side effect (+1)"},
		{"ietf", http.StatusConflict, Pass, "exactly one request's side effect (+1)"},
		{"ietf", http.StatusUnprocessableEntity, Fail, "the retry got 422"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.profile, tt.inFlight), func(t *testing.T) {
			srv := startOrders(t, &orderServer{inFlight: tt.inFlight, untilMet: true})
			env := Env{Profile: mustProfile(t, tt.profile)}
			r := runOneProbe(t, retryAfterDropProbe{}, srv.URL, keyedCreate("createOrder", "/orders"), env)
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("verdict %s (%s), want %s with %q\n%s", r.Verdict, r.Reason, tt.want, tt.reason, strings.Join(r.Diffs, "\n"))
			}
			// The retries must really have met the key in flight, or the
			// test proves nothing.
			inFlight := 0
			for _, ex := range r.Evidence {
				if strings.Contains(ex.Label, "retry (attempt 1)") && ex.Response != nil && ex.Response.Status == tt.inFlight {
					inFlight++
				}
			}
			if inFlight == 0 {
				t.Errorf("no retry met the dropped request in flight (%d); the server is too fast for this test", tt.inFlight)
			}
		})
	}
}
