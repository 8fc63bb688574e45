package probes

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/examples/payments"
	"github.com/idemcheck/idemcheck/openapi"
)

// TestMetaDeclared: every probe declares an id, a title, a rule and a fix
// under every profile, ids are unique, the id, title and severity are the
// same under every profile, and nil means the default profile.
func TestMetaDeclared(t *testing.T) {
	seen := map[string]bool{}
	def, err := LookupProfile(DefaultProfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range All() {
		base := p.Meta(nil)
		if base.ID == "" || base.Title == "" || base.Rule == "" || base.Fix == "" {
			t.Errorf("%T declares %+v: an empty field", p, base)
		}
		if seen[base.ID] {
			t.Errorf("two probes are called %s", base.ID)
		}
		seen[base.ID] = true
		if got := p.Meta(def); got != base {
			t.Errorf("%s: Meta(nil) = %+v, Meta(%s) = %+v", base.ID, base, def.Name, got)
		}
		for _, prof := range Profiles() {
			m := p.Meta(&prof)
			if m.ID != base.ID || m.Title != base.Title || m.Severity != base.Severity {
				t.Errorf("%s under %s is %s %q %s, by default %s %q %s", base.ID, prof.Name, m.ID, m.Title, m.Severity, base.ID, base.Title, base.Severity)
			}
			if m.Rule == "" || m.Fix == "" {
				t.Errorf("%s under %s: no rule or fix", base.ID, prof.Name)
			}
		}
	}
}

// TestResultsCarryMeta: the runner gives every result a probe ran the rule
// and fix its operation's profile words (error-replay's depend on whether
// the profile stores errors, key-format's on its key length, replay-marker's
// on its header), and none to a result the probe did not apply to; spec
// narrows its fix to what the document lacks, and a pass needs none.
func TestResultsCarryMeta(t *testing.T) {
	srv := startPayments(t, payments.FlawNone)
	ps, err := Select([]string{"key-format", "replay-marker", "error-replay"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ietf", "stripe", "adyen", "paypal"} {
		prof, err := LookupProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		env := Env{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer " + t.Name()}}, Timeout: 5 * time.Second, Profile: prof}
		for i, r := range Run(context.Background(), []openapi.Operation{declining()}, ps, env) {
			m := ps[i].Meta(prof)
			if r.Verdict == Skip || r.Rule != m.Rule || r.Fix != m.Fix {
				t.Errorf("%s under %s: %s (%s) with rule %q and fix %q, want %q and %q", m.ID, name, r.Verdict, r.Reason, r.Rule, r.Fix, m.Rule, m.Fix)
			}
		}
	}

	env := Env{BaseURL: srv.URL, Timeout: 5 * time.Second}
	keyless := createPayment()
	keyless.Key = openapi.Key{}
	keyless.Docs = &openapi.Docs{}
	replay, _ := Select([]string{"replay", "spec"})
	rs := Run(context.Background(), []openapi.Operation{keyless, createPayment()}, replay, env)
	if r := rs[0]; r.Verdict != Skip || r.Rule != "" || r.Fix != "" {
		t.Errorf("replay on a keyless operation: %s with rule %q and fix %q, want a skip with neither", r.Verdict, r.Rule, r.Fix)
	}
	spec := replay[1].Meta(nil)
	if r := rs[1]; r.Verdict != Fail || r.Rule != spec.Rule || !strings.HasPrefix(r.Fix, "declare the key") {
		t.Errorf("spec on a keyless POST: %s with rule %q and fix %q, want a failure with the rule and the fix for a missing key", r.Verdict, r.Rule, r.Fix)
	}
	if r := rs[3]; r.Verdict != Pass || r.Rule != spec.Rule || r.Fix != "" {
		t.Errorf("spec on a documented POST: %s (%s) with rule %q and fix %q, want a pass with the rule and no fix", r.Verdict, r.Reason, r.Rule, r.Fix)
	}
}
