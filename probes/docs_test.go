package probes

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/probes.md and the README's probe list from the probes' metadata")

// The generated part of a document sits between these lines; the rest is
// written by hand.
const (
	docsBegin = "<!-- generated from the probes' Meta by `go test ./probes -run TestProbeDocs -update`: edit probes/*.go, not this list -->"
	docsEnd   = "<!-- end of the generated list -->"
)

// TestProbeDocs: the README's probe list and docs/probes.md's reference say
// what the probes' metadata say (a golden test on the documents
// themselves; -update rewrites their generated parts).
func TestProbeDocs(t *testing.T) {
	for _, d := range []struct{ path, generated string }{
		{filepath.Join("..", "README.md"), readmeProbeList()},
		{filepath.Join("..", "docs", "probes.md"), probeReference()},
	} {
		b, err := os.ReadFile(d.path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := splice(string(b), d.generated)
		if err != nil {
			t.Fatalf("%s: %v", d.path, err)
		}
		if *updateDocs {
			if got != string(b) {
				if err := os.WriteFile(d.path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		if diff := cmp.Diff(string(b), got); diff != "" {
			t.Errorf("%s does not say what the probes' metadata say (-file +metadata); run go test ./probes -run TestProbeDocs -update:\n%s", d.path, diff)
		}
	}
}

// splice replaces what lies between doc's markers with generated.
func splice(doc, generated string) (string, error) {
	i, j := strings.Index(doc, docsBegin), strings.Index(doc, docsEnd)
	if i < 0 || j < i || strings.Count(doc, docsBegin) != 1 || strings.Count(doc, docsEnd) != 1 {
		return "", fmt.Errorf("want one line %q and, after it, one line %q", docsBegin, docsEnd)
	}
	return doc[:i+len(docsBegin)] + "\n" + generated + doc[j:], nil
}

// readmeProbeList is one line per probe, linked to its reference.
func readmeProbeList() string {
	var b strings.Builder
	for _, p := range All() {
		m := p.Meta(nil)
		fmt.Fprintf(&b, "- [`%s`](docs/probes.md#%s) (%s): %s\n", m.ID, m.ID, m.Severity, m.Title)
	}
	return b.String()
}

// probeReference is a table of the probes, then each probe's title,
// severity, rule and fix, worded per profile where the wording differs.
func probeReference() string {
	var b strings.Builder
	b.WriteString("| probe | severity | what is tested |\n| --- | --- | --- |\n")
	for _, p := range All() {
		m := p.Meta(nil)
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", m.ID, m.ID, m.Severity, m.Title)
	}
	for _, p := range All() {
		m := p.Meta(nil)
		fmt.Fprintf(&b, "\n### `%s`\n\n**%s.** Severity: %s.\n\n", m.ID, capital(m.Title), m.Severity)
		writeByProfile(&b, "Rule", p, func(m Meta) string { return m.Rule })
		writeByProfile(&b, "Fix", p, func(m Meta) string { return m.Fix })
	}
	b.WriteString("\n")
	return b.String()
}

// writeByProfile writes "- **Rule:** …" when every profile words it alike,
// else one line per wording with the profiles that use it.
func writeByProfile(b *strings.Builder, name string, p Probe, field func(Meta) string) {
	var texts []string
	users := map[string][]string{}
	for _, prof := range Profiles() {
		s := field(p.Meta(&prof))
		if users[s] == nil {
			texts = append(texts, s)
		}
		users[s] = append(users[s], "`"+prof.Name+"`")
	}
	if len(texts) == 1 {
		fmt.Fprintf(b, "- **%s:** %s\n", name, texts[0])
		return
	}
	for _, s := range texts {
		fmt.Fprintf(b, "- **%s** (%s): %s\n", name, strings.Join(users[s], ", "), s)
	}
}

// capital is s with its first letter in upper case.
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
