package probes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// rareRaceServer is a keyed create whose idempotency is right for every key
// but the nth it sees: that key's first two requests are both processed, as
// a race caught in one round out of many would be.
type rareRaceServer struct {
	mu    sync.Mutex
	nth   int
	keys  map[string][]map[string]any // the payments each key created
	order []string
	items []map[string]any
}

func (s *rareRaceServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodGet {
		json.NewEncoder(w).Encode(map[string]any{"data": s.items})
		return
	}
	var in map[string]any
	json.NewDecoder(r.Body).Decode(&in)
	key := r.Header.Get("Idempotency-Key")
	created := s.keys[key]
	if created == nil {
		s.order = append(s.order, key)
	}
	racy := len(s.order) == s.nth && len(created) < 2 // the nth key is processed twice
	if len(created) > 0 && !racy {
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(created[0])
		return
	}
	it := map[string]any{"id": fmt.Sprintf("pay_%d", len(s.items)+1), "amount": in["amount"]}
	s.items = append(s.items, it)
	s.keys[key] = append(created, it)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(it)
}

// TestQuickRoundsCatchARareRace: a race that shows for one key only, after
// the control and the three measured rounds (the 6th key), is caught by
// the quick rounds, with the round named and the measured effect off.
func TestQuickRoundsCatchARareRace(t *testing.T) {
	srv := httptest.NewServer(&rareRaceServer{nth: 6, keys: map[string][]map[string]any{}})
	t.Cleanup(srv.Close)
	r := runOneProbe(t, concurrentProbe{}, srv.URL, keyedCreate("createPayment", "/v1/payments"), Config{Concurrency: 4, RaceMode: RaceNaive})
	if r.Verdict != Fail || !strings.Contains(r.Reason, "showed in 1 of") {
		t.Fatalf("%s (%s); want a failure in one round", r.Verdict, r.Reason)
	}
	all := strings.Join(r.Diffs, "\n")
	for _, want := range []string{"round 5: ", "processed more than once", "quick: ", "measured together"} {
		if !strings.Contains(all, want) {
			t.Errorf("diffs lack %q:\n%s", want, all)
		}
	}
}

// TestQuickRoundsPassACorrectServer: on a correct server the quick rounds
// add rounds, never a finding, and the pass says how many rounds of how
// many copies ran in each mode: all the race budget's.
func TestQuickRoundsPassACorrectServer(t *testing.T) {
	srv := httptest.NewServer(&rareRaceServer{nth: -1, keys: map[string][]map[string]any{}})
	t.Cleanup(srv.Close)
	r := runOneProbe(t, concurrentProbe{}, srv.URL, keyedCreate("createPayment", "/v1/payments"), Config{Concurrency: 4, RaceMode: RaceNaive})
	if r.Verdict != Pass {
		t.Fatalf("%s (%s); want a pass", r.Verdict, r.Reason)
	}
	want := fmt.Sprintf("%d rounds of 4 (naive) and %d quick rounds of 3 were each processed once", DefaultRounds, DefaultRaceRounds-DefaultRounds)
	if !strings.HasPrefix(r.Reason, want) {
		t.Errorf("%q: want it to begin %q", r.Reason, want)
	}
}
