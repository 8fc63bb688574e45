package examples

import (
	"net"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestVariantsExpectFail runs the mini probes against every variant over a
// real socket: exactly the probes in ExpectFail and AlsoFail (that have a mini
// version) fail.
func TestVariantsExpectFail(t *testing.T) {
	for _, v := range Variants() {
		t.Run(v.Name, func(t *testing.T) {
			if !strings.HasPrefix(v.Name, "payments") {
				t.Skip("the mini probes speak the payments API; the generic variants are checked by examples/generic's sweep")
			}
			srv, err := Start(v)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := srv.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			var failed []string
			for id, probe := range miniProbes {
				finding, err := probe(srv.URL)
				if err != nil {
					t.Fatalf("probe %s: %v", id, err)
				}
				if finding != "" {
					failed = append(failed, id)
					t.Logf("%s: %s", id, finding)
				}
			}
			var want []string
			for _, id := range slices.Concat(v.ExpectFail, v.AlsoFail) {
				if miniProbes[id] != nil {
					want = append(want, id)
				}
			}
			sort.Strings(failed)
			sort.Strings(want)
			if !slices.Equal(failed, want) {
				t.Errorf("failed probes %v, want %v", failed, want)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	vs := Variants()
	if vs[0].Name != "payments" || len(vs[0].ExpectFail) != 0 {
		t.Errorf("first variant %q expects %v, want the correct payments", vs[0].Name, vs[0].ExpectFail)
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v.Name] || v.Description == "" || len(v.Spec) == 0 || v.Handler == nil {
			t.Errorf("variant %q: duplicate or incomplete", v.Name)
		}
		seen[v.Name] = true
		if got, ok := Lookup(v.Name); !ok || got.Name != v.Name {
			t.Errorf("Lookup(%q) failed", v.Name)
		}
		if correct := v.Name == "payments" || v.Name == "payments-waiting" || v.Name == "payments-header-limit" || v.Name == "payments-uuid-keys" || strings.HasPrefix(v.Name, "generic-"); !correct && len(v.ExpectFail) == 0 {
			t.Errorf("flawed variant %q expects no failure", v.Name)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
}

func TestStartLoopbackAndClose(t *testing.T) {
	srv, err := Start(Variants()[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:"; len(srv.URL) <= len(want) || srv.URL[:len(want)] != want {
		t.Errorf("URL %q is not loopback", srv.URL)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// TestCloseWithUnusedConnection pins a slow shutdown: a client's spare
// connection that never sends a request made Close wait 5s and fail.
func TestCloseWithUnusedConnection(t *testing.T) {
	srv, err := Start(Variants()[0])
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Wait until the server has accepted it (a bounded wait): a fixed sleep
	// let a loaded machine close the server before, and prove nothing.
	for deadline := time.Now().Add(10 * time.Second); srv.freshConns() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not accept the connection within 10s")
		}
	}
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	// The defect was a 5s wait (net/http treats a new connection as idle
	// only after 5s); any bound below it tells the two apart, and a loaded
	// machine needs the margin.
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("close took %v", d)
	}
}

// freshConns is how many accepted connections have sent no request yet.
func (s *Server) freshConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fresh)
}
