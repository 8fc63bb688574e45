package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// Issue 23 part 4: state the requests consume. A refund uses up what is
// left of its payment; a correct server then refuses a later round, and
// that is no defect.

// plannedOp plans the example API's document as check does and returns
// the operation id (its chains to the operations that create its parents
// included).
func plannedOp(t *testing.T, id string) openapi.Operation {
	t.Helper()
	for _, op := range planDoc(t, "payments.yaml", string(payments.Spec)) {
		if op.ID == id {
			if op.Skip != "" {
				t.Fatalf("%s not planned: %s", id, op.Skip)
			}
			return op
		}
	}
	t.Fatalf("%s not planned", id)
	return openapi.Operation{}
}

// roundLines are the round summaries of a concurrent result's evidence.
func roundSummaries(r Result) []string {
	for _, d := range r.Diffs {
		if rest, ok := strings.CutPrefix(d, "rounds:\n"); ok {
			return strings.Split(rest, "\n")
		}
	}
	return nil
}

// TestConcurrentRoundsOnNestedRefundsDoNotRunOut: a payment of 2000 takes
// four refunds of 500 (the document's examples), and the server refuses
// the fifth. With --rounds 20, every round, measured and quick, refunds a
// payment of its own, so none runs out: a pass with no inconclusive round,
// where sharing the experiment's payment made round 4 on "critical: no
// copy was processed".
func TestConcurrentRoundsOnNestedRefundsDoNotRunOut(t *testing.T) {
	srv := httptestServe(t, payments.Options{RefundsWithinAmount: true})
	op := plannedOp(t, "createRefund")
	if len(op.Chain) == 0 {
		t.Fatalf("createRefund is not chained to the payment it refunds: %+v", op)
	}
	env := Config{BaseURL: srv, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Rounds: 20, Timeout: 5 * time.Second}
	r := Run(context.Background(), []openapi.Operation{op}, []Probe{concurrentProbe{}}, env)[0]
	if r.Verdict != Pass || strings.Contains(r.Reason, "inconclusive") {
		t.Fatalf("%s: %s\n%s", r.Verdict, r.Reason, strings.Join(roundSummaries(r), "\n"))
	}
	if !strings.HasPrefix(r.Reason, "20 rounds of 10 (") || !strings.Contains(r.Reason, " quick rounds of 3 ") {
		t.Errorf("reason %q does not say how many rounds of how many copies ran", r.Reason)
	}
	parents := map[string]bool{}
	measured := 0
	for _, s := range roundSummaries(r) {
		switch {
		case regexp.MustCompile(`^\s*round \d+ \(`).MatchString(s):
			measured++
			_, parent, ok := strings.Cut(s, "on a parent of its own: ")
			if !ok || parents[parent] {
				t.Errorf("round without a parent of its own: %s", s)
			}
			parents[parent] = true
		case strings.Contains(s, "quick:") && !strings.Contains(s, "each on a parent of its own"):
			t.Errorf("quick rounds share a parent: %s", s)
		}
	}
	if measured != 20 {
		t.Errorf("%d measured rounds in the evidence, want 20", measured)
	}
}

// TestRefusedRoundIsInconclusiveNotCritical: refunds of the shared seed
// payment (an operation that is not chained) run out after a few rounds,
// as the issue saw. A round whose request was refused (one copy 400, the
// others in flight, the retry 400 again) is inconclusive and quoted, not
// "critical: no copy was processed": the verdict rests on the rounds that
// were processed, and with none it is an error, never a pass or a fail.
func TestRefusedRoundIsInconclusiveNotCritical(t *testing.T) {
	tests := []struct {
		name     string
		amount   int // of each refund of the seed payment of 5000
		inFlight payments.InFlight
		want     Verdict
		reason   string
	}{
		{"runs out after three rounds", 1250, payments.InFlightConflict, Pass, "3 rounds whose request was processed were each processed once"},
		{"runs out after three rounds, duplicates wait", 1250, payments.InFlightWait, Pass, "3 rounds whose request was processed were each processed once"},
		{"runs out after the control", 5000, payments.InFlightConflict, Error, "inconclusive: in none of 20 rounds of 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptestServe(t, payments.Options{RefundsWithinAmount: true, InFlight: tt.inFlight})
			op := createRefund()
			op.Request.Body = &openapi.Body{ContentType: "application/json", Value: map[string]any{"amount": tt.amount}}
			env := Config{BaseURL: srv, Rounds: 20, Timeout: 5 * time.Second}
			r := Run(context.Background(), []openapi.Operation{op}, []Probe{concurrentProbe{}}, env)[0]
			if r.Verdict != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("%s: %s\nwant %s with %q\n%s", r.Verdict, r.Reason, tt.want, tt.reason, strings.Join(roundSummaries(r), "\n"))
			}
			quote := `status 400: "refund of ` + fmt.Sprint(tt.amount) + ` exceeds what is left of payment pay_seed0001`
			if !strings.Contains(r.Reason, quote) {
				t.Errorf("reason does not quote the server's refusal %q: %s", quote, r.Reason)
			}
			if r.Severity == Critical && r.Verdict == Fail {
				t.Errorf("a refused round failed the probe: %s", r.Reason)
			}
		})
	}
}

// TestReadBackCountBelowProcessedIsNotADuplicate: an operation observed
// by reading back what it created (no list) learns at most maxResources
// resources, so after the control, the measured rounds and the quick
// rounds (60 resources by default) it counts fewer than the responses name
// as processed. Fewer effects than the responses name is no duplicate: the
// rounds are judged on their responses, with a note, where the count
// used to read as "critical: the defect showed".
func TestReadBackCountBelowProcessedIsNotADuplicate(t *testing.T) {
	srv := httptestServe(t, payments.Options{})
	op := createPayment()
	op.Collection, op.CreatedPath = nil, "/v1/payments/{id}"
	if _, ok := DefaultObserver(&op).(*ResourceObserver); !ok {
		t.Fatalf("the operation's observer is %T, want a read-back", DefaultObserver(&op))
	}
	r := runOneProbe(t, concurrentProbe{}, srv, op, Config{})
	if r.Verdict != Pass {
		t.Fatalf("%s: %s\n%s", r.Verdict, r.Reason, strings.Join(roundSummaries(r), "\n"))
	}
	if !strings.Contains(r.Reason, "fewer effects than the responses name are no duplicate") {
		t.Errorf("the pass does not say the count was below what the responses name: %s", r.Reason)
	}
}

// nestedDoubleServer serves POST /p (a parent), POST /p/{id}/items (keyed)
// and GET /p/{id}/items, echoing the request's fields into each item. Its
// idempotency is right for every key but the nth: that key's first request
// creates two items and answers with the first, so only the list under its
// parent shows the duplicate.
type nestedDoubleServer struct {
	mu      sync.Mutex
	nth     int
	keys    map[string]map[string]any // key → the item answered
	order   int
	items   map[string][]map[string]any // parent → items
	parents int
}

func (s *nestedDoubleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPost && len(parts) == 1:
		s.parents++
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"p%d"}`, s.parents)
	case r.Method == http.MethodGet && len(parts) == 3:
		json.NewEncoder(w).Encode(map[string]any{"data": append([]map[string]any{}, s.items[parts[1]]...)})
	case r.Method == http.MethodPost && len(parts) == 3:
		key := r.Header.Get("Idempotency-Key")
		if it, ok := s.keys[key]; ok {
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(it)
			return
		}
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		s.order++
		copies := 1
		if s.order == s.nth {
			copies = 2
		}
		var first map[string]any
		for range copies {
			it := map[string]any{"id": fmt.Sprintf("it%d_%d", s.order, len(s.items[parts[1]])), "note": in["note"]}
			s.items[parts[1]] = append(s.items[parts[1]], it)
			if first == nil {
				first = it
			}
		}
		s.keys[key] = first
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(first)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// TestQuickRoundsOnOwnParentsCountTheirOwnLists: on a nested operation each
// quick round acts on a parent of its own, and the batch is measured on
// those parents' lists, by the experiment's canary: a key processed twice
// with one answer (invisible in the responses) in quick round 2 fails the
// probe, and a correct server passes with every round's list counted.
func TestQuickRoundsOnOwnParentsCountTheirOwnLists(t *testing.T) {
	parent := openapi.Operation{ID: "createP", Method: "POST", Path: "/p",
		Request: &openapi.Request{Method: "POST", Path: "/p", Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{}}}}
	op := openapi.Operation{
		ID: "createItem", Method: "POST", Path: "/p/{id}/items", Canary: "/note",
		Key: openapi.Key{In: openapi.KeyHeader, Name: "Idempotency-Key", Required: true},
		Request: &openapi.Request{Method: "POST", Path: "/p/x/items",
			Body: &openapi.Body{ContentType: "application/json", Value: map[string]any{"note": "n"}}},
		Collection: &openapi.Collection{Path: "/p/x/items"},
		Chain:      []openapi.Link{{Param: "id", From: "createP", Pointer: "/id", Source: "inferred from the path", Producer: &parent}},
	}
	for _, tt := range []struct {
		nth  int
		want Verdict
	}{{6, Fail}, {-1, Pass}} {
		t.Run(fmt.Sprint(tt.want), func(t *testing.T) {
			srv := httptest.NewServer(&nestedDoubleServer{nth: tt.nth, keys: map[string]map[string]any{}, items: map[string][]map[string]any{}})
			t.Cleanup(srv.Close)
			r := runOneProbe(t, concurrentProbe{}, srv.URL, op, Config{Concurrency: 4, RaceMode: RaceNaive})
			all := strings.Join(r.Diffs, "\n")
			if r.Verdict != tt.want || !strings.Contains(all, "each on a parent of its own") {
				t.Fatalf("%s: %s; want %s\n%s", r.Verdict, r.Reason, tt.want, all)
			}
			quick := DefaultRaceRounds - DefaultRounds
			if tt.want == Fail && !strings.Contains(r.Reason, fmt.Sprintf("quick rounds (%d of them processed, by the responses) added %d side effect(s)", quick, quick+1)) {
				t.Errorf("the failure does not rest on the rounds' own lists: %s", r.Reason)
			}
			if tt.want == Pass && !strings.Contains(all, fmt.Sprintf("side effect %+d", quick)) {
				t.Errorf("the quick rounds' lists were not counted:\n%s", all)
			}
		})
	}
}
