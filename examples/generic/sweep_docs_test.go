package generic_test

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/check"
	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/generic"
)

// sweepDoc is one document the sweep serves and checks.
type sweepDoc struct {
	name string
	path string // the file (for $refs and reports)
	data []byte // the document, for the examples' embedded ones
	// flags changes the default options, as a user's flags do.
	flags func(*check.Options)
	// server are the options of the generic server's example variant.
	server generic.Options
}

// open serves the document with the server options of its variant, and
// CheckResponses and ProcessingTime from opts.
func (d sweepDoc) open(opts generic.Options) (*generic.Server, error) {
	o := d.server
	o.CheckResponses, o.ProcessingTime = opts.CheckResponses, opts.ProcessingTime
	opts = o
	if d.data != nil {
		return generic.New(d.data, opts)
	}
	return generic.Open(d.path, opts)
}

// shortDocs are the real documents -short keeps: those a check finishes in
// seconds.
var shortDocs = []string{"adyen", "paypal-checkout", "paypal-vault", "cashfree"}

// smallDocs are the real documents checked by default under the race
// detector and through Prism: those whose check takes seconds under it
// (docs/real-world-specs.md has the figures). Cashfree and Plaid take a
// minute each under -race on two cores, the others minutes: CI checks
// every document in a step of its own without it.
var smallDocs = []string{"adyen", "paypal-checkout", "paypal-vault"}

// prismDocs are the real documents TestSweepPrism checks by default, with
// the examples' documents (once each: a variant that only changes
// idemcheck's flags sends what its document allows already). Prism
// answers through a Node.js proxy, which makes a check about twice as
// long; PayPal's vault is the real document that fits CI's test step.
var prismDocs = []string{"paypal-vault"}

// docSet is which documents a test checks when IDEMCHECK_SWEEP and -short
// do not say.
type docSet int

const (
	sweepDefault docSet = iota // every document; under the race detector the small ones
	prismDefault               // the examples' documents and prismDocs (TestSweepPrism)
)

// sweepDocs lists the real-world documents (the way openapi's realSpecs
// finds them: a folder stands for its root document), largest first, then
// one document per distinct example document, and keeps:
// IDEMCHECK_SWEEP's (comma-separated substrings of names; "all" for every
// one); else with -short, shortDocs and the examples; else those of set.
func sweepDocs(t *testing.T, set docSet) []sweepDoc {
	t.Helper()
	var docs []sweepDoc
	if dir := specsDir(); dir != "" {
		paths := realSpecs(dir)
		sort.SliceStable(paths, func(i, j int) bool { return docSize(paths[i]) > docSize(paths[j]) })
		for _, p := range paths {
			name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
			if filepath.Base(filepath.Dir(p)) != filepath.Base(dir) {
				name = filepath.Base(filepath.Dir(p))
			}
			docs = append(docs, sweepDoc{name: name, path: p})
		}
	} else {
		t.Log("real-world specs not found (../shared/specs, or IDEMCHECK_SPECS): only the examples' documents are swept")
	}
	seen := map[[32]byte]bool{}
	server := map[string]generic.Options{}
	for _, g := range generic.Variants() {
		server[g.Name] = g.Options
	}
	for _, v := range examples.Variants() {
		h := sha256.Sum256(v.Spec)
		if seen[h] {
			continue
		}
		seen[h] = true
		d := sweepDoc{name: "example " + v.Name, path: "examples/" + v.Name + "/openapi.yaml", data: v.Spec, server: server[v.Name]}
		docs = append(docs, d)
		if v.Name == "generic-refund-quota" {
			// The case: 20 rounds of concurrent refunds of one
			// payment would run out of it (generic.RefundQuota); a correct
			// check refunds a payment of each round's own.
			d.name += " --rounds 20"
			d.flags = func(o *check.Options) { o.Rounds = 20 }
			docs = append(docs, d)
		}
	}
	want := envList("IDEMCHECK_SWEEP")
	keep := func(d sweepDoc) bool {
		named := func(list []string) bool {
			return slices.ContainsFunc(list, func(w string) bool { return strings.Contains(d.name, w) })
		}
		switch {
		case slices.Contains(want, "all"):
			return true
		case len(want) > 0:
			return named(want)
		case d.data != nil: // an example
			return set != prismDefault || d.flags == nil
		case testing.Short():
			return named(shortDocs)
		case set == prismDefault:
			return named(prismDocs)
		case raceEnabled:
			return named(smallDocs)
		}
		return true
	}
	var out []sweepDoc
	for _, d := range docs {
		if keep(d) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		t.Skip("no document selected")
	}
	if len(out) < len(docs) && len(want) == 0 {
		t.Logf("%d of %d documents (IDEMCHECK_SWEEP=all for every one)", len(out), len(docs))
	}
	return out
}

// docSize is how large a document is (a folder's files together): the
// larger, the longer its check, roughly.
func docSize(path string) int64 {
	if filepath.Base(path) != "openapi.yaml" && !strings.HasSuffix(path, ".v2.yaml") {
		st, err := os.Stat(path)
		if err != nil {
			return 0
		}
		return st.Size()
	}
	var n int64
	_ = filepath.WalkDir(filepath.Dir(path), func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if info, err := e.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// specsDir finds ../shared/specs: IDEMCHECK_SPECS, else a shared/specs
// folder beside one of the working directory's parents (the repository's
// checkout, or a worktree of it).
func specsDir() string {
	if d := os.Getenv("IDEMCHECK_SPECS"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		return ""
	}
	for range 8 {
		p := filepath.Join(dir, "shared", "specs")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// realSpecs lists the documents of dir as openapi's realSpecs does.
func realSpecs(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
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
