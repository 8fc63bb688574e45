package openapi

import (
	"fmt"
	"sort"
	"strings"
)

// maxListed is how many items of one kind of warning are named before the
// rest are summed up as "and N more": a document with 33 dangling refs should
// not bury the one warning that matters.
const maxListed = 5

// notes collects what the loader repaired, grouped by kind, so each kind
// becomes a short, deterministic list of warnings.
type notes struct {
	dangling    []string // internal or file refs that point nowhere
	remote      []string // http(s) refs, never fetched
	outside     []string // local refs that leave the document's folder, never read
	unrooted    []string // file refs in a document that has no file location
	numbers     []string // schema keywords with numbers kin-openapi cannot hold, dropped
	other       []string
	exampleRefs int // $refs inside example and extension values, dropped
	inlined     int // operations written as $ref and inlined
	bigData     int // numbers in examples too large for a float64, kept as text
	seen        map[*[]string]map[string]bool
}

// add records item once in list.
func (n *notes) add(list *[]string, item string) {
	if n.seen == nil {
		n.seen = map[*[]string]map[string]bool{}
	}
	s := n.seen[list]
	if s == nil {
		s = map[string]bool{}
		n.seen[list] = s
	}
	if s[item] {
		return
	}
	s[item] = true
	*list = append(*list, item)
}

// warnings renders the notes, one line per item up to maxListed per kind.
func (n *notes) warnings() []string {
	var out []string
	out = append(out, listed("dangling $ref %s replaced by an empty schema", "dangling $refs", n.dangling)...)
	out = append(out, listed("remote $ref %s not fetched, replaced by an empty schema", "remote $refs", n.remote)...)
	out = append(out, listed("$ref %s leaves the document's folder, not read (see --allow-ref-dir), replaced by an empty schema", "$refs outside the document's folder", n.outside)...)
	out = append(out, listed("file $ref %s cannot be resolved without a file location, replaced by an empty schema", "file $refs", n.unrooted)...)
	out = append(out, listed("%s", "out-of-range numbers in schemas", n.numbers)...)
	out = append(out, n.other...)
	if n.exampleRefs > 0 {
		out = append(out, fmt.Sprintf("ignored %d $ref(s) inside example or extension values", n.exampleRefs))
	}
	if n.bigData > 0 {
		out = append(out, fmt.Sprintf("kept %d number(s) too large for a float64 in example values as text", n.bigData))
	}
	if n.inlined > 0 {
		out = append(out, fmt.Sprintf("inlined %d operation(s) written as $ref, which OpenAPI does not allow", n.inlined))
	}
	return out
}

func listed(format, kind string, items []string) []string {
	sort.Strings(items)
	var out []string
	for i, it := range items {
		if i == maxListed {
			out = append(out, fmt.Sprintf("and %d more %s", len(items)-maxListed, kind))
			break
		}
		out = append(out, fmt.Sprintf(format, it))
	}
	return out
}

// oneLine squeezes a multi-line error into one line of bounded length, for
// warnings and skip reasons that end up in CI logs.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
