package report

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// span is a byte range [start, end) of a body.
type span struct{ start, end int }

// jsonSpans finds, in a JSON body as it was received, the members and
// elements at the given JSON pointers (RFC 6901, as probes.DiffPointers
// reads them from a diff): for a member its key and value, for an element
// its value. Pointers that the body does not have, and bodies that are not
// JSON, have none. It reads at most maxSpanTokens tokens.
func jsonSpans(body string, pointers []string) []span {
	if len(pointers) == 0 || len(body) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, p := range pointers {
		want[p] = true
	}
	type frame struct {
		object    bool
		pointer   string // of the container
		start     int    // of the container's member or element
		key       string // the member being read
		keyStart  int
		expectKey bool
		index     int
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var stack []frame
	var out []span
	prev := 0
	// child is the pointer of the value about to be read, and where its
	// member (key included) starts.
	child := func(start int) (string, int) {
		if len(stack) == 0 {
			return "", start
		}
		top := &stack[len(stack)-1]
		if top.object {
			return top.pointer + "/" + escapeToken(top.key), top.keyStart
		}
		return top.pointer + "/" + strconv.Itoa(top.index), start
	}
	// advance moves the container on past a value just read.
	advance := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	for n := 0; n < maxSpanTokens; n++ {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		end := int(dec.InputOffset())
		start := skipSeparators(body, prev)
		prev = end
		if len(stack) > 0 {
			if top := &stack[len(stack)-1]; top.object && top.expectKey {
				if k, ok := tok.(string); ok {
					top.key, top.keyStart, top.expectKey = k, start, false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			p, s := child(start)
			stack = append(stack, frame{object: tok == json.Delim('{'), pointer: p, start: s, expectKey: tok == json.Delim('{')})
			continue
		case json.Delim('}'), json.Delim(']'):
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if want[top.pointer] {
				out = append(out, span{top.start, end})
			}
			advance()
			continue
		}
		p, s := child(start)
		if want[p] {
			out = append(out, span{s, end})
		}
		advance()
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	return out
}

// maxSpanTokens bounds the work of jsonSpans on one body.
const maxSpanTokens = 200_000

// skipSeparators moves i past whitespace, commas and colons: to where the
// next token starts.
func skipSeparators(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

// escapeToken escapes a member name for a JSON pointer.
func escapeToken(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
