package generic_test

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
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

// sweepDocs lists the real-world documents (the way openapi's realSpecs
// finds them: a folder stands for its root document), then one document per
// distinct example document. IDEMCHECK_SWEEP (comma-separated substrings
// of names) keeps some; -short keeps shortDocs and the examples.
func sweepDocs(t *testing.T) []sweepDoc {
	t.Helper()
	var docs []sweepDoc
	if dir := specsDir(); dir != "" {
		for _, p := range realSpecs(dir) {
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
	var out []sweepDoc
	for _, d := range docs {
		switch {
		case len(want) > 0 && !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(d.name, w) }):
		case len(want) == 0 && testing.Short() && d.data == nil && !slices.ContainsFunc(shortDocs, func(w string) bool { return strings.Contains(d.name, w) }):
		default:
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		t.Skip("no document selected")
	}
	return out
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
