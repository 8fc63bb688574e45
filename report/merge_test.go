package report

import (
	"errors"
	"testing"
	"time"

	"github.com/idemcheck/idemcheck/probes"
)

func TestMerge(t *testing.T) {
	whole := fixtureRun()
	a, b := fixtureRun(), fixtureRun()
	a.Results, b.Results = whole.Results[:3], whole.Results[3:]
	a.BaseURL, b.BaseURL = "http://127.0.0.1:1001", "http://127.0.0.1:1002"
	b.Started = a.Started.Add(time.Second)
	b.Duration = 5 * time.Second
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts() != whole.Counts() || m.Failed(m.Gate) != whole.Failed(whole.Gate) {
		t.Errorf("merged %+v, whole %+v", m.Counts(), whole.Counts())
	}
	if m.BaseURL != "http://127.0.0.1:1001, http://127.0.0.1:1002" || !m.Started.Equal(a.Started) || m.Duration != 6*time.Second {
		t.Errorf("merged base URL %q, started %s, duration %s", m.BaseURL, m.Started, m.Duration)
	}

	tests := []struct {
		name  string
		tweak func(b *Run)
	}{
		{"other spec", func(b *Run) { b.Spec = "other.yaml" }},
		{"other gate", func(b *Run) { b.Gate = probes.Critical }},
		{"baseline in one only", func(b *Run) { b.Baseline = &BaselineUse{File: "b.json"} }},
		{"overlap", func(b *Run) { b.Results = append(b.Results, whole.Results[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := fixtureRun(), fixtureRun()
			a.Results, b.Results = whole.Results[:3], whole.Results[3:]
			tt.tweak(b)
			if _, err := Merge(a, b); !errors.Is(err, ErrMerge) {
				t.Errorf("Merge = %v, want ErrMerge", err)
			}
		})
	}
	if _, err := Merge(); !errors.Is(err, ErrMerge) {
		t.Errorf("Merge() = %v, want ErrMerge", err)
	}
}

// TestMergeBaseline: each shard lists the entries fixed among its own
// operations; the merge lists them all, once.
func TestMergeBaseline(t *testing.T) {
	whole := fixtureRun()
	base := NewBaseline(whole)
	a, b := fixtureRun(), fixtureRun()
	a.Results, b.Results = whole.Results[:3], whole.Results[3:]
	b.Results[1].Verdict = probes.Pass // natural-put fixed, in shard b
	ApplyBaseline(a, base, "baseline.json")
	ApplyBaseline(b, base, "baseline.json")
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Baseline.Fixed) != 1 || m.Baseline.Fixed[0].Probe != "natural-put" {
		t.Errorf("fixed = %+v, want natural-put", m.Baseline.Fixed)
	}
	if c := m.Counts(); c.Accepted != 1 || c.Fail != 0 || m.Failed(m.Gate) {
		t.Errorf("merged counts %+v, failed %v; want the concurrent failure accepted", c, m.Failed(m.Gate))
	}
}
