package examples_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/config"
	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
	"github.com/idemcheck/idemcheck/probes"
)

// planExample starts variant name and plans the given operations of its
// document with its configuration.
func planExample(t *testing.T, name string, ops ...string) (*examples.Server, []openapi.Operation, *config.Config) {
	t.Helper()
	v, ok := examples.Lookup(name)
	if !ok {
		t.Fatalf("no variant %s", name)
	}
	srv, err := examples.Start(v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	doc, err := openapi.LoadData(ctx, v.Spec, "openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("idemcheck.yaml", v.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckOperations(openapi.OperationNames(doc)); err != nil {
		t.Fatal(err)
	}
	planned, err := openapi.Plan(ctx, doc, openapi.PlanOptions{Operations: ops})
	if err != nil {
		t.Fatal(err)
	}
	return srv, planned, cfg
}

// configured settles ops with the observers the configuration declares,
// else the default.
func configured(cfg *config.Config, ops []openapi.Operation) []probes.Target {
	targets := probes.DefaultTargets(ops)
	for i, t := range targets {
		if ob := cfg.ObserverFor(openapi.NameOf(t.Op)); ob != nil {
			targets[i].Observer = &probes.HTTPObserver{Label: ob.Name, Path: ob.Get, Pointer: ob.Pointer}
		}
	}
	return targets
}

// TestEmailCounterCatchesRepeatedSideEffect: sending an email leaves only a
// counter; the flawed server replays the right response but sends again,
// and only the configured http observer shows it.
func TestEmailCounterCatchesRepeatedSideEffect(t *testing.T) {
	all := []probes.Probe{}
	for _, id := range []string{"replay", "concurrent"} {
		p, err := probes.Select([]string{id})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p...)
	}
	for _, tt := range []struct {
		variant string
		want    probes.Verdict
	}{
		{"payments", probes.Pass},
		{"payments-" + string(payments.FlawReplayButRepeat), probes.Fail},
	} {
		t.Run(tt.variant, func(t *testing.T) {
			srv, ops, cfg := planExample(t, tt.variant, "sendEmail")
			results := probes.RunTargets(context.Background(), configured(cfg, ops), all, probes.Config{BaseURL: srv.URL, Rounds: 2})
			for _, r := range results {
				if r.Verdict != tt.want {
					t.Errorf("%s: %s (%s), want %s", r.Probe, r.Verdict, r.Reason, tt.want)
				}
				if len(r.Effects) == 0 || !strings.HasPrefix(r.Effects[0].Observer, "emails-sent") {
					t.Errorf("%s: effects %+v, want the emails-sent observer's", r.Probe, r.Effects)
				}
				if tt.want == probes.Fail && !strings.Contains(r.Reason, "side effect") {
					t.Errorf("%s: reason %q does not rest on the side effect", r.Probe, r.Reason)
				}
			}
		})
	}
}

// TestSharedServerNoFalseAlarm: a second client creates payments on the
// correct example while idemcheck probes it. The canary keeps its payments
// out of the counts: no false alarm. The control run without the canary
// shows that the traffic would otherwise have caused one.
func TestSharedServerNoFalseAlarm(t *testing.T) {
	srv, ops, _ := planExample(t, "payments", "createPayment")
	if ops[0].Canary != "/description" {
		t.Fatalf("canary field = %q, want /description", ops[0].Canary)
	}
	selected, err := probes.Select([]string{"replay", "concurrent", "mismatch-body", "missing-key"})
	if err != nil {
		t.Fatal(err)
	}

	// traffic runs a second client until stop is closed (bounded in count).
	traffic := func(stop <-chan struct{}) (*sync.WaitGroup, *atomic.Int64) {
		var wg sync.WaitGroup
		var n atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; i < 5000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/payments", strings.NewReader(`{"amount":700,"currency":"eur","description":"other client"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", "other-"+time.Now().Format(time.RFC3339Nano)+string(rune('a'+i%26)))
				if resp, err := client.Do(req); err == nil {
					resp.Body.Close()
					n.Add(1)
				}
				time.Sleep(time.Millisecond)
			}
		}()
		return &wg, &n
	}

	// Besides the loop, the other client also creates a payment right
	// before every snapshot, so each measured step is sure to see traffic.
	other := func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/payments", strings.NewReader(`{"amount":900,"currency":"usd","description":"other client"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "other-"+time.Now().Format(time.RFC3339Nano))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	noisy := probes.DefaultTargets(ops)
	for i := range noisy {
		noisy[i].Observer = &noisyObserver{Observer: noisy[i].Observer, before: other}
	}
	env := probes.Config{BaseURL: srv.URL, Rounds: 2}
	stop := make(chan struct{})
	wg, created := traffic(stop)
	results := probes.RunTargets(context.Background(), noisy, selected, env)
	close(stop)
	wg.Wait()
	if created.Load() == 0 {
		t.Fatal("the second client created nothing: the test proves nothing")
	}
	for _, r := range results {
		if r.Verdict != probes.Pass {
			t.Errorf("%s with the canary: %s (%s), want pass", r.Probe, r.Verdict, r.Reason)
		}
	}

	// Control: the same traffic, no canary field: raw counts see it.
	raw := ops[0]
	raw.Canary = ""
	replay, _ := probes.Select([]string{"replay"})
	rawTarget := []probes.Target{{Op: &raw, Observer: &noisyObserver{Observer: probes.DefaultObserver(&raw), before: other}}}
	res := probes.RunTargets(context.Background(), rawTarget, replay, env)[0]
	if res.Verdict != probes.Fail || !strings.Contains(strings.Join(res.Diffs, "\n"), "not attributed") {
		t.Errorf("replay without a canary under traffic: %s (%s), want a (false) failure noted as not attributed", res.Verdict, res.Reason)
	}
}

// noisyObserver lets another client act right before each snapshot.
type noisyObserver struct {
	probes.Observer
	before func()
}

func (n *noisyObserver) Snapshot(ctx context.Context, a probes.Access) (probes.Snapshot, error) {
	n.before()
	return n.Observer.Snapshot(ctx, a)
}
