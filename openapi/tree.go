package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	yaml "github.com/oasdiff/yaml3"
)

// A document is parsed once into a generic tree (map[string]any, []any,
// string, float64, bool, nil), which prep rewrites and hands to kin-openapi.
// The parse keeps what the tree cannot: the line of every operation (a
// marker under posKey, turned into an extension by prep, see position.go)
// and numbers too large for a float64 (bigNumber), which would otherwise
// fail the whole load.

// posKey marks, in the object under an HTTP method key, the line of that
// key. No document can contain it: prep removes it before anything else
// reads the tree.
const posKey = "\x00pos"

// srcPos is where an operation is written: its file ("" until prep knows
// it) and the line of its method key.
type srcPos struct {
	file string
	line int
}

// bigNumber is a number the document writes that a float64 cannot hold
// (1e400), kept as written with its line for the warning about it.
type bigNumber struct {
	text string
	line int
}

// MarshalJSON writes the number as a string: kin-openapi would fail on it
// as a number. prep warns about and drops the ones that matter.
func (b bigNumber) MarshalJSON() ([]byte, error) { return json.Marshal(b.text) }

// maxNesting bounds the depth of a parsed tree, as encoding/json does.
const maxNesting = 10000

// isMethod reports whether k is the key of an operation in a Path Item.
func isMethod(k string) bool {
	switch k {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// parseTree decodes JSON or YAML into a generic tree. A document that looks
// like JSON is parsed as JSON only: some JSON files are not valid YAML.
func parseTree(data []byte, name string) (any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty document")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' || strings.EqualFold(filepath.Ext(name), ".json") {
		return parseJSON(data)
	}
	return parseYAML(data)
}

// parseYAML decodes YAML through yaml3's node tree, which carries lines.
func parseYAML(data []byte) (any, error) {
	if v, ok := parseYAMLChunked(data); ok {
		return v, nil
	}
	return parseYAMLWhole(data)
}

// parseYAMLWhole parses data in one piece.
func parseYAMLWhole(data []byte) (any, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("parse YAML: %s", oneLine(err.Error(), 300))
	}
	// Aliases may repeat a subtree many times ("billion laughs"): the tree
	// may hold at most a few nodes per byte of input.
	c := &yamlConv{budget: 4*len(data) + 1000}
	v, err := c.value(&root, 0)
	if err != nil {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	return v, nil
}

// yamlConv turns yaml3 nodes into the generic tree.
type yamlConv struct {
	budget    int                 // nodes left to produce
	lineBase  int                 // lines before the piece being converted (yamlchunks.go)
	expanding map[*yaml.Node]bool // anchors being converted: an alias to one is a cycle
}

var errTooLarge = errors.New("document too large once its aliases are expanded")

func (c *yamlConv) value(n *yaml.Node, depth int) (any, error) {
	c.budget--
	if c.budget < 0 {
		return nil, errTooLarge
	}
	if depth > maxNesting {
		return nil, fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias", n.Line)
		}
		if err := c.enter(n.Alias); err != nil {
			return nil, err
		}
		defer c.leave(n.Alias)
		return c.value(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		c.release(n)
		return out, nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		if err := c.mapping(m, n, depth, true); err != nil {
			return nil, err
		}
		c.release(n)
		return m, nil
	}
	return scalar(n, n.Line+c.lineBase), nil
}

// enter marks an anchored node as being converted; an alias to it from
// inside itself (&a {b: *a}, &a {<<: *a}) is an error, not a loop.
func (c *yamlConv) enter(n *yaml.Node) error {
	if c.expanding == nil {
		c.expanding = map[*yaml.Node]bool{}
	}
	if c.expanding[n] {
		return fmt.Errorf("line %d: anchor %q contains itself", n.Line, n.Anchor)
	}
	c.expanding[n] = true
	return nil
}

func (c *yamlConv) leave(n *yaml.Node) { delete(c.expanding, n) }

// release lets the collector take a converted subtree early: a large
// document's node tree is bigger than the generic tree made from it.
// Anchored nodes are kept, as aliases convert them again.
func (c *yamlConv) release(n *yaml.Node) {
	if n.Anchor == "" {
		n.Content = nil
	}
}

// mapping adds the pairs of mapping node n to m. Merge keys (<<) add the
// keys of the merged mappings that m does not set itself.
func (c *yamlConv) mapping(m map[string]any, n *yaml.Node, depth int, own bool) error {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.ScalarNode && kn.ShortTag() == "!!merge" {
			merges = append(merges, vn)
			continue
		}
		if kn.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: a mapping key is not a scalar", kn.Line)
		}
		k := kn.Value
		if _, set := m[k]; set {
			if own {
				return fmt.Errorf("line %d: mapping key %q already defined", kn.Line, k)
			}
			continue
		}
		v, err := c.value(vn, depth+1)
		if err != nil {
			return err
		}
		if om, ok := v.(map[string]any); ok && isMethod(k) {
			om[posKey] = srcPos{line: kn.Line + c.lineBase}
		}
		m[k] = v
	}
	for _, mn := range merges {
		if err := c.merge(m, mn, depth+1, true); err != nil {
			return err
		}
	}
	return nil
}

// merge adds the keys of the mapping (or, at the top, the sequence of
// mappings) that a merge key names and m does not set.
func (c *yamlConv) merge(m map[string]any, n *yaml.Node, depth int, top bool) error {
	c.budget--
	if c.budget < 0 {
		return errTooLarge
	}
	if depth > maxNesting {
		return fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	switch {
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		if err := c.enter(n.Alias); err != nil {
			return err
		}
		defer c.leave(n.Alias)
		return c.merge(m, n.Alias, depth+1, top)
	case n.Kind == yaml.SequenceNode && top:
		for _, e := range n.Content {
			if err := c.merge(m, e, depth+1, false); err != nil {
				return err
			}
		}
		return nil
	case n.Kind == yaml.MappingNode:
		if n.Anchor != "" {
			if err := c.enter(n); err != nil {
				return err
			}
			defer c.leave(n)
		}
		return c.mapping(m, n, depth+1, false)
	}
	return fmt.Errorf("line %d: a merge key (<<) needs a mapping", n.Line)
}

// scalar resolves a YAML scalar as yaml3 does, except that timestamps stay
// strings and numbers are float64, as in JSON.
func scalar(n *yaml.Node, line int) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on", "y":
			return true
		}
		return false
	case "!!int":
		plain := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return float64(i)
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return float64(u)
		}
		return number(plain, line)
	case "!!float":
		return number(strings.ReplaceAll(n.Value, "_", ""), line)
	}
	return n.Value
}

// number parses a number; one a float64 cannot hold, or an infinity or
// NaN (which JSON cannot hold), is kept as a bigNumber.
func number(text string, line int) any {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return bigNumber{text: text, line: line}
	}
	return f
}
