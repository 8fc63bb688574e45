package generic_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples/generic"
	"github.com/idemcheck/idemcheck/internal/ablate"
	"github.com/idemcheck/idemcheck/probes"
)

// The ablation test proves that the sweep's requirement (TestSweep: a
// correct API passes) rests on each part of issue 23: with a part switched
// off (internal/ablate, the behaviour before the part was built), the
// smallest document that shows it fails the requirement in the way the
// part predicts, and with the part on, the same row passes. A part that
// stops mattering, or a sweep that stops noticing, fails here.
//
//	go test -run TestAblation ./examples/generic -v
//
// Some parts are built of two mechanisms that each stand in for the other
// on some APIs; their row switches off every mechanism the failure needs,
// and says why. Part 1's rows check the nested operation alone (as a shard
// or --operations does): in a whole run its gate probes skip, saying why,
// while the other operations' run, and the order the probes run in can
// make the example id exist (the issue's "verdicts depend on the order").

// ablation is one part's row.
type ablation struct {
	part int // issue 23's "What to build" number
	// off are the switches the row turns off.
	off []ablate.Part
	// why says what the row shows, and why it needs more than one switch
	// when it does.
	why string
	doc func(t *testing.T) sweepDoc
	// front, when set, stands between the check and the generic server.
	front frontFunc
	// failed checks the row with the switches off: the failure the part
	// predicts; "" when it is there.
	failed func(row sweepRow) string
}

func ablations() []ablation {
	return []ablation{{
		part: 1, off: []ablate.Part{ablate.Producers},
		why: "a PATCH of PUT-created customers, checked alone (as a shard or --operations does): without the PUT as its producer it goes to the document's example id, which nothing created",
		doc: variantDoc("generic-put-customers", func(o *check.Options) { o.Operations = []string{"updateCustomer"} }),
		failed: func(row sweepRow) string {
			return want(row.exit == 2 && strings.Contains(row.outcome, "which nothing in the document creates"),
				"exit 2, the gate's probes skipped on an id nothing created")
		},
	}, {
		part: 1, off: []ablate.Part{ablate.IDWords},
		why: "captures of a payment whose response names it pspReference, not id (Adyen's), checked alone: without the parameter's words the capture's parent has no value for {paymentPspReference}",
		doc: fileDoc("testdata/ablate-id-words.yaml", generic.Options{}, func(o *check.Options) { o.Operations = []string{"capturePayment"} }),
		failed: func(row sweepRow) string {
			return want(row.exit == 2 && strings.Contains(row.outcome, "without a value for {paymentPspReference}"),
				"exit 2, the gate's probes unable to set up the capture's parent (the issue's Adyen error, now a skip that says so)")
		},
	}, {
		part: 2, off: []ablate.Part{ablate.ObserverShape, ablate.BlindObserver, ablate.ReadRead},
		why: "an update-style POST beside a GET of one customer (Stripe's POST /v1/customers/{customer}); " +
			"part 2 takes that GET for a read-back, not a list, and would judge on the responses were it taken for one; " +
			"part 3's read-read control also drops an observer whose reading fails, so it is off too",
		doc: fileDoc("testdata/ablate-observer-shape.yaml", generic.Options{}),
		failed: func(row sweepRow) string {
			return want(row.errors > 0 && row.anyReason("no array at the top level"),
				`errors "no array at the top level" (the issue's 129 Stripe errors)`)
		},
	}, {
		part: 3, off: []ablate.Part{ablate.ReadRead},
		why: "a list where other clients' orders keep arriving (one more on every read), with no field for a canary: without the read-read control the arrivals count as side effects " +
			"(replay alone: every probe that counts shows it, each settling its readings for a second a step)",
		doc:   fileDoc("testdata/ablate-unsteady-list.yaml", generic.Options{}, func(o *check.Options) { o.Probes = []string{"replay"} }),
		front: unsteadyList("/v1/orders"),
		failed: func(row sweepRow) string {
			return want(row.failures > 0 && row.anyReason("the retries added"), `a critical false alarm "the retries added … side effect(s)"`)
		},
	}, {
		part: 4, off: []ablate.Part{ablate.RoundParents, ablate.RefusedRounds},
		why: "20 rounds of concurrent refunds, 10 of which use up a payment: a parent per round keeps them from running out, " +
			"and a round refused anyway is inconclusive; either alone keeps this row green (concurrent alone: the probe of the issue's case)",
		doc: variantDoc("generic-refund-quota", func(o *check.Options) { o.Rounds, o.Probes = 20, []string{"concurrent"} }),
		failed: func(row sweepRow) string {
			return want(row.failures > 0 && row.anyReason("no copy was processed"), `a critical false alarm "no copy was processed"`)
		},
	}, {
		part: 5, off: []ablate.Part{ablate.RequiredMembers},
		why: "a form body whose required payload has only additionalProperties (Stripe's billing meter events): sent empty, a form encodes it as nothing",
		doc: fileDoc("testdata/ablate-required-members.yaml", generic.Options{}),
		failed: func(row sweepRow) string {
			return want(row.errors > 0 && row.anyInvalid(`"payload" is missing`), `invalid requests without the payload, and errors`)
		},
	}, {
		part: 6, off: []ablate.Part{ablate.ValidReads},
		why: "a list that requires the account whose notes it lists: a bare GET is a request the document forbids",
		doc: fileDoc("testdata/ablate-valid-reads.yaml", generic.Options{}),
		failed: func(row sweepRow) string {
			return want(row.anyInvalid(`query parameter "account": required, missing`), "an invalid read")
		},
	}}
}

func TestAblation(t *testing.T) {
	start := time.Now()
	for _, a := range ablations() {
		name := fmt.Sprintf("part%d-%s", a.part, switchNames(a.off))
		t.Run(name, func(t *testing.T) {
			d := a.doc(t)
			t.Run("off", func(t *testing.T) {
				for _, p := range a.off {
					ablate.Set(t, p) // on again when this subtest ends
				}
				row := runSweep(t, d, a.front)
				if why := a.failed(row); why != "" {
					t.Errorf("with %s off, %s: the row should show %s, and shows:\n%s", switchNames(a.off), a.why, why, row.summary())
				}
				if testing.Verbose() {
					t.Logf("with %s off:\n%s", switchNames(a.off), row.summary())
				}
				if row.passes() {
					t.Errorf("with %s off the row meets the sweep's requirement: the part is not needed here (%s)", switchNames(a.off), a.why)
				}
			})
			t.Run("on", func(t *testing.T) {
				runSweep(t, d, a.front).require(t)
			})
		})
	}
	t.Logf("ablation rows took %s", time.Since(start).Round(100*time.Millisecond))
}

// TestAblationOutcome is part 7's own control: an outcome that tells the
// truth makes no correct API redder, so it shows on a run in which no
// probe at or above the gate can run (the only keyed operation's request
// schema requires itself, so no request can be planned; the server
// refuses every request): off, the gate passes on nothing (exit 0); on,
// the run is untestable (exit 2).
func TestAblationOutcome(t *testing.T) {
	d := fileDoc("testdata/ablate-no-request.yaml", generic.Options{})(t)
	refuse := func(t *testing.T, _ string) (string, []string) {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"message":"refused"}`, http.StatusBadRequest)
		}))
		t.Cleanup(s.Close)
		return s.URL, nil
	}
	t.Run("off", func(t *testing.T) {
		ablate.Set(t, ablate.TruthfulOutcome)
		if row := runSweep(t, d, refuse); row.exit != 0 {
			t.Errorf("with TruthfulOutcome off, a run in which nothing at the gate ran should pass (exit 0), as before part 7; it shows:\n%s", row.summary())
		}
	})
	t.Run("on", func(t *testing.T) {
		if row := runSweep(t, d, refuse); row.exit != 2 || !strings.Contains(row.outcome, "could run") {
			t.Errorf("a run in which nothing at the gate ran should be untestable (exit 2), saying so; it shows:\n%s", row.summary())
		}
	})
}

// TestAblationCoversEverySwitch: every switch of internal/ablate is turned
// off by some row, so a switch added without its proof fails here.
func TestAblationCoversEverySwitch(t *testing.T) {
	covered := map[ablate.Part]bool{ablate.TruthfulOutcome: true} // TestAblationOutcome
	parts := map[int]bool{7: true}
	for _, a := range ablations() {
		parts[a.part] = true
		for _, p := range a.off {
			covered[p] = true
			if p.Issue() != a.part && p != ablate.ReadRead {
				t.Errorf("row of part %d turns off %s, a switch of part %d; say why in the row", a.part, p, p.Issue())
			}
		}
	}
	for _, p := range ablate.Parts() {
		if !covered[p] {
			t.Errorf("no ablation row turns %s (part %d) off", p, p.Issue())
		}
	}
	for part := 1; part <= 7; part++ {
		if !parts[part] {
			t.Errorf("no ablation row for part %d", part)
		}
	}
}

// variantDoc is the generic example variant name, with flags.
func variantDoc(name string, flags func(*check.Options)) func(t *testing.T) sweepDoc {
	return func(t *testing.T) sweepDoc {
		t.Helper()
		for _, g := range generic.Variants() {
			if g.Name == name {
				return sweepDoc{name: "example " + name, path: "examples/" + name + "/openapi.yaml", data: g.Spec, server: g.Options, flags: flags}
			}
		}
		t.Fatalf("no generic variant %s", name)
		return sweepDoc{}
	}
}

// fileDoc is a document of testdata served with opts, checked with flags.
func fileDoc(path string, opts generic.Options, flags ...func(*check.Options)) func(t *testing.T) sweepDoc {
	return func(*testing.T) sweepDoc {
		d := sweepDoc{name: path, path: path, server: opts}
		if len(flags) > 0 {
			d.flags = flags[0]
		}
		return d
	}
}

// maxOthers bounds the other clients' orders unsteadyList shows.
const maxOthers = 500

// unsteadyList puts a proxy in front of the server that shows, in the list
// at path (a JSON array), other clients' orders arriving: one more on
// every read. A correct API whose list reads differently with nothing
// written in between, by whatever number of readings a step takes.
func unsteadyList(path string) frontFunc {
	return func(t *testing.T, upstream string) (string, []string) {
		u, err := url.Parse(upstream)
		if err != nil {
			t.Fatal(err)
		}
		var reads atomic.Int64
		proxy := httputil.NewSingleHostReverseProxy(u)
		proxy.ErrorLog = log.New(io.Discard, "", 0) // a check that ends cancels reads in flight
		proxy.ModifyResponse = func(resp *http.Response) error {
			if resp.Request.Method != http.MethodGet || resp.Request.URL.Path != path || resp.StatusCode != http.StatusOK {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			var items []any
			if json.Unmarshal(body, &items) == nil {
				for i := range min(reads.Add(1), maxOthers) {
					items = append(items, map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "sku": "tea", "quantity": 1, "placed_at": "2026-01-01T00:00:00Z"})
				}
				body, _ = json.Marshal(items)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			return nil
		}
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "PRI" { // an HTTP/2 preface: the proxy speaks HTTP/1.1 only, and says so
				http.Error(w, "HTTP/2 is not supported", http.StatusHTTPVersionNotSupported)
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(s.Close)
		return s.URL, nil
	}
}

func switchNames(ps []ablate.Part) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return strings.Join(names, "+")
}

// want is "" when ok, else what was wanted.
func want(ok bool, what string) string {
	if ok {
		return ""
	}
	return what
}

// passes is the sweep's requirement (sweepRow.require) without failing.
func (row sweepRow) passes() bool {
	_, other, _, _ := row.keyOnlySplit()
	return row.exit == 0 && row.errors == 0 && row.failures == 0 && len(row.invalid)-row.keyOnlyCount() == 0 &&
		other == 0 && len(row.realUnrouted()) == 0 && len(row.problems) == 0 && row.setup == ""
}

// anyReason reports whether an error or a failure at the gate says s.
func (row sweepRow) anyReason(s string) bool {
	return slices.ContainsFunc(row.results, func(r probes.Result) bool { return strings.Contains(r.Reason, s) })
}

// anyInvalid reports whether an invalid request the server received says s.
func (row sweepRow) anyInvalid(s string) bool {
	for _, iv := range row.invalid {
		if slices.ContainsFunc(iv.Reasons, func(r string) bool { return strings.Contains(r, s) }) {
			return true
		}
	}
	return false
}

// summary is the row's table line, outcome and grouped reasons.
func (row sweepRow) summary() string {
	return sweepTable([]sweepRow{row}) + "outcome: " + row.outcome + "\n" + row.grouped()
}
