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
	unrooted    []string // file refs in a document that has no file location
	other       []string
	exampleRefs int // $refs inside example and extension values, dropped
	inlined     int // operations written as $ref and inlined
}

// add records item once in list.
func (n *notes) add(list *[]string, item string) {
	for _, s := range *list {
		if s == item {
			return
		}
	}
	*list = append(*list, item)
}

// warnings renders the notes, one line per item up to maxListed per kind.
func (n *notes) warnings() []string {
	var out []string
	out = append(out, listed("dangling $ref %s replaced by an empty schema", "dangling $refs", n.dangling)...)
	out = append(out, listed("remote $ref %s not fetched, replaced by an empty schema", "remote $refs", n.remote)...)
	out = append(out, listed("file $ref %s cannot be resolved without a file location, replaced by an empty schema", "file $refs", n.unrooted)...)
	out = append(out, n.other...)
	if n.exampleRefs > 0 {
		out = append(out, fmt.Sprintf("ignored %d $ref(s) inside example or extension values", n.exampleRefs))
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
