package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// TestPaginationOffOriginIsSaidSo: a list whose next page links to another
// host is reported as exactly that, not as "more pages than idemcheck
// reads", and the other host is never contacted. The list was inferred
// from the document, so it cannot be counted makes the experiment
// unobserved, not an error (issue 23): the replay is judged on its
// responses (this server processes every retry: a failure) and the result
// says why the list was not counted.
func TestPaginationOffOriginIsSaidSo(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the other host was contacted: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			n++ // a new item, without the request's canary
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":"t%d"}`, n)
			return
		}
		items := []map[string]any{}
		for i := n; i > 0; i-- {
			items = append(items, map[string]any{"id": fmt.Sprintf("t%d", i)})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": items, "next": other.URL + "/v1/things?cursor=secret-cursor"})
	}))
	defer srv.Close()

	snap, err := (&CollectionObserver{Path: "/v1/things"}).Snapshot(context.Background(), newRun(Config{BaseURL: srv.URL}).access(""))
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Truncated || snap.OffOrigin != other.URL {
		t.Errorf("truncated %v off-origin %q, want true %q", snap.Truncated, snap.OffOrigin, other.URL)
	}

	op := keyedCreate("createThing", "/v1/things")
	env := Config{BaseURL: srv.URL, Timeout: 5 * time.Second}
	r := Run(context.Background(), []openapi.Operation{op}, selectProbes(t, "replay"), env)[0]
	want := "the list's next page is on another origin (" + other.URL + ")"
	said := strings.Join(r.Diffs, "\n")
	if r.Verdict != Fail || !strings.Contains(said, "side effects not observed") || !strings.Contains(said, want) {
		t.Errorf("%s; want a failure on the responses, its notes saying %q", describe(r), want)
	}
	if strings.Contains(said, "more pages than idemcheck reads") || strings.Contains(said, "secret-cursor") {
		t.Errorf("notes %q: the page cap is named, or the link's query is shown", said)
	}
}
