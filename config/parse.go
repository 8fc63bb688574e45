package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	yaml "github.com/oasdiff/yaml3"
)

// The file is read as a yaml.Node tree rather than decoded into structs:
// struct decoding ignores unknown keys and loses line numbers, and both are
// what a user needs to fix a typo. Each section lists its known keys once
// (the tables below), so adding a setting is adding a row.

// maxValueDepth and maxValueNodes bound a configured body, whose YAML
// aliases could otherwise expand without limit.
const (
	maxValueDepth = 64
	maxValueNodes = 100_000
)

// Parse parses a configuration; name is the file name used in messages.
func Parse(name string, data []byte) (cfg *Config, err error) {
	cfg = &Config{File: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
		return cfg, nil // an empty file configures nothing
	}
	p := &parser{cfg: cfg}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			cfg, err = nil, pe
		}
	}()
	root := p.mapping(doc.Content[0], "the file")
	p.keys(root, "the top level", map[string]func(k, v *yaml.Node){
		"operations": func(_, v *yaml.Node) { p.operations(v) },
		"observers":  func(_, v *yaml.Node) { p.observers(v) },
	})
	return cfg, nil
}

// parseError is a message with its place, raised by the parser's helpers.
type parseError struct{ msg string }

func (e parseError) Error() string { return e.msg }

type parser struct {
	cfg   *Config
	nodes int
}

// fail stops parsing with an error at n's line.
func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	panic(parseError{fmt.Sprintf("%s: %s", p.cfg.Where(n.Line), fmt.Sprintf(format, args...))})
}

// mapping returns n as a mapping node, or fails.
func (p *parser) mapping(n *yaml.Node, what string) *yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping, not %s", what, describe(n))
	}
	return n
}

// keys walks a mapping, calling the handler of each key and failing on an
// unknown or repeated key with the list of known ones.
func (p *parser) keys(m *yaml.Node, where string, handlers map[string]func(k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name := k.Value
		if seen[name] {
			p.fail(k, "duplicate key %q in %s", name, where)
		}
		seen[name] = true
		h, ok := handlers[name]
		if !ok {
			known := make([]string, 0, len(handlers))
			for n := range handlers {
				known = append(known, n)
			}
			sort.Strings(known)
			p.fail(k, "unknown key %q in %s (known: %s)", name, where, strings.Join(known, ", "))
		}
		h(k, v)
	}
}

// str returns a scalar as a string, or fails.
func (p *parser) str(n *yaml.Node, what string) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, "%s must be a string, not %s", what, describe(n))
	}
	return n.Value
}

// nonEmpty returns a non-empty string, or fails.
func (p *parser) nonEmpty(n *yaml.Node, what string) string {
	s := strings.TrimSpace(p.str(n, what))
	if s == "" {
		p.fail(n, "%s must not be empty", what)
	}
	return s
}

// pointer returns a JSON pointer ("" or starting with /), or fails.
func (p *parser) pointer(n *yaml.Node, what string) string {
	s := p.str(n, what)
	if s != "" && !strings.HasPrefix(s, "/") {
		p.fail(n, "%s %q is not a JSON pointer (it must start with /)", what, s)
	}
	return s
}

// path returns an API path relative to the base URL, or fails: idemcheck
// only talks to the base URL, so absolute URLs are refused.
func (p *parser) path(n *yaml.Node, what string) string {
	s := p.nonEmpty(n, what)
	if !strings.HasPrefix(s, "/") {
		p.fail(n, "%s %q must be a path starting with / (relative to --base-url; other hosts are never contacted)", what, s)
	}
	return s
}

// boolean returns a boolean scalar, or fails.
func (p *parser) boolean(n *yaml.Node, what string) bool {
	n = deref(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		p.fail(n, "%s must be true or false, not %s", what, describe(n))
	}
	return b
}

// duration returns a positive Go duration ("5s"), or fails.
func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	s := p.str(n, what)
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(n, "%s %q is not a positive duration such as 5s", what, s)
	}
	return d
}

// list returns the items of a sequence, or fails.
func (p *parser) list(n *yaml.Node, what string) []*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "%s must be a list, not %s", what, describe(n))
	}
	return n.Content
}

// value converts a YAML value to the JSON-like value a request body is:
// mappings with string keys, sequences, strings, int64, float64, bools, nil.
func (p *parser) value(n *yaml.Node, depth int) any {
	p.nodes++
	if depth > maxValueDepth || p.nodes > maxValueNodes {
		p.fail(n, "value too deep or too large (aliases?)")
	}
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				p.fail(k, "object keys must be strings, not %s", describe(k))
			}
			if _, dup := m[k.Value]; dup {
				p.fail(k, "duplicate key %q", k.Value)
			}
			m[k.Value] = p.value(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		a := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			a = append(a, p.value(e, depth+1))
		}
		return a
	case yaml.ScalarNode:
		return p.scalar(n)
	}
	p.fail(n, "unsupported value %s", describe(n))
	return nil
}

// scalar converts a scalar by its resolved YAML tag.
func (p *parser) scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return i
		}
		p.fail(n, "integer %s is out of range", n.Value)
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
		p.fail(n, "number %s cannot be sent as JSON", n.Value)
	}
	return n.Value
}

// deref follows aliases and unwraps documents.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 64 && n != nil; i++ {
		switch {
		case n.Kind == yaml.AliasNode && n.Alias != nil:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		default:
			return n
		}
	}
	return n
}

// describe names a node's kind for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}
