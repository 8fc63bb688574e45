package openapi

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// specsDir holds the real-world documents described in SOURCES.md:
// $IDEMCHECK_SPECS, or ../shared/specs beside the repository (a git
// worktree elsewhere names it with the variable). Read in the test, not at
// init, so that go test's cache knows the variable.
func specsDir() string {
	if d := os.Getenv("IDEMCHECK_SPECS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "specs")
}

// realSpecs lists the documents in specsDir (a directory stands for its
// root document), or skips the test when they are absent.
func realSpecs(t testing.TB) []string {
	t.Helper()
	ents, err := os.ReadDir(specsDir())
	if err != nil {
		t.Skipf("real-world specs not available: %v", err)
	}
	var out []string
	for _, e := range ents {
		p := filepath.Join(specsDir(), e.Name())
		switch {
		case e.IsDir():
			roots, _ := filepath.Glob(filepath.Join(p, "*.v2.yaml"))
			if len(roots) == 0 {
				roots, _ = filepath.Glob(filepath.Join(p, "openapi.yaml"))
			}
			out = append(out, roots...)
		case strings.HasSuffix(e.Name(), ".json"), strings.HasSuffix(e.Name(), ".yaml"), strings.HasSuffix(e.Name(), ".yml"):
			out = append(out, p)
		}
	}
	return out
}

// specStats summarises how one document planned.
type specStats struct {
	name                  string
	err                   string
	ops, header, body, fm int
	valid, alt, coll      int
	skips                 map[string]int
	warnings              int
	elapsed               time.Duration
}

// planned memoises planSpec, so TestRealSpecs and TestSpecsReport load
// each large document once per test binary run.
var planned sync.Map // path → plannedSpec

type plannedSpec struct {
	st  specStats
	ops []Operation
}

func planSpec(t testing.TB, path string) (specStats, []Operation) {
	if v, ok := planned.Load(path); ok {
		p := v.(plannedSpec)
		return p.st, p.ops
	}
	st, ops := planSpecOnce(path)
	planned.Store(path, plannedSpec{st, ops})
	return st, ops
}

func planSpecOnce(path string) (specStats, []Operation) {
	st := specStats{name: filepath.Base(path), skips: map[string]int{}}
	doc, loaded, err := loadSpec(path) // specs_cache_test.go
	if err != nil {
		st.err, st.elapsed = err.Error(), loaded
		return st, nil
	}
	st.warnings = len(doc.Warnings)
	ops, planned, err := planLoadedSpec(path, PlanOptions{})
	st.elapsed = loaded + planned
	if err != nil {
		st.err = err.Error()
		return st, nil
	}
	st.ops = len(ops)
	for _, o := range ops {
		switch o.Key.In {
		case KeyHeader:
			st.header++
		case KeyBodyField:
			st.body++
		case KeyFormField:
			st.fm++
		}
		if o.Skip == "" {
			st.valid++
		} else {
			st.skips[skipGroup(o.Skip)]++
		}
		if o.AltBody != nil {
			st.alt++
		}
		if o.Collection != nil {
			st.coll++
		}
	}
	return st, ops
}

// quoted matches the specifics inside a skip reason (names, values).
var quoted = regexp.MustCompile(`"[^"]*"`)

// skipGroup reduces a skip reason to its kind, for counting.
func skipGroup(s string) string {
	s = strings.TrimPrefix(s, "no valid request: ")
	s = quoted.ReplaceAllString(s, "…")
	if len(s) > 70 {
		s = s[:70] + "…"
	}
	return s
}

func topSkips(m map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v || l[i].v == l[j].v && l[i].k < l[j].k })
	var parts []string
	for i, e := range l {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%d× %s", e.v, e.k))
	}
	return strings.Join(parts, "; ")
}

// TestSpecsReport prints, for every real-world document, what Load and Plan
// make of it. Run: go test -run TestSpecsReport -v ./openapi/
func TestSpecsReport(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: loads every real-world document")
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
	fmt.Fprintln(w, "document\tmutating\tkey header/body/form\tvalid\talt body\tcollection\twarnings\ttime\ttop skip reasons")
	for _, p := range realSpecs(t) {
		st, _ := planSpec(t, p)
		if st.err != "" {
			fmt.Fprintf(w, "%s\tERROR\t\t\t\t\t\t%s\t%s\n", st.name, st.elapsed.Round(time.Millisecond), st.err)
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%d/%d/%d\t%d\t%d\t%d\t%d\t%s\t%s\n", st.name, st.ops, st.header, st.body, st.fm,
			st.valid, st.alt, st.coll, st.warnings, st.elapsed.Round(time.Millisecond), topSkips(st.skips, 3))
	}
	w.Flush()
	t.Log("\n" + b.String())
}
