package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Split documents (DigitalOcean's is 2,900 files) are read through fileSet:
// every file is parsed once, rewritten by prep, and handed to kin-openapi as
// JSON. Operations written as {$ref: file} — which OpenAPI forbids but
// Redocly bundles anyway — are inlined here, because kin-openapi has no
// place to keep a $ref on an Operation and would silently drop them.

// Bounds that keep a hostile or broken split document from hanging the load.
const (
	maxFiles       = 10000    // distinct files one document may pull in
	maxFileBytes   = 64 << 20 // per file
	maxInlineDepth = 8        // operation refs that point at operation refs
)

var errRemoteRef = errors.New("remote $ref not followed")

// fileSet caches the parsed trees of the files and URLs a document refers
// to, keyed by location (an absolute path or a URL); policy says which may
// be read at all (refs.go).
type fileSet struct {
	ctx     context.Context
	root    string // location of the root document
	policy  *refPolicy
	trees   map[string]any
	errs    map[string]error
	json    map[string][]byte // prepared files, as kin-openapi reads some many times
	notes   *notes
	fetches int
	asked   bool // a $ref named a file: the root's tree may be asked for again
}

func newFileSet(ctx context.Context, policy *refPolicy, n *notes) *fileSet {
	return &fileSet{ctx: ctx, policy: policy, trees: map[string]any{}, errs: map[string]error{}, json: map[string][]byte{}, notes: n}
}

// tree returns the parsed, unmodified-by-kin tree of a location. A
// location the policy refuses is never opened.
func (fs *fileSet) tree(loc string) (any, error) {
	fs.asked = true
	if !strings.Contains(loc, "://") {
		loc = filepath.Clean(loc)
	}
	if t, ok := fs.trees[loc]; ok {
		return t, nil
	}
	if err, ok := fs.errs[loc]; ok {
		return nil, err
	}
	if len(fs.trees)+len(fs.errs) >= maxFiles {
		return nil, fmt.Errorf("more than %d files referenced", maxFiles)
	}
	t, err := fs.read(loc)
	if err != nil {
		fs.errs[loc] = err
		return nil, err
	}
	fs.trees[loc] = t
	return t, nil
}

func (fs *fileSet) read(loc string) (any, error) {
	if err := fs.policy.allowed(loc); err != nil {
		return nil, err
	}
	if isURL(loc) {
		if fs.fetches >= MaxRemoteRefs {
			return nil, fmt.Errorf("more than %d remote documents referenced", MaxRemoteRefs)
		}
		fs.fetches++
		data, err := fetch(fs.ctx, loc)
		if err != nil {
			return nil, errors.New(oneLine(err.Error(), 200))
		}
		return parseTree(data, loc)
	}
	st, err := os.Stat(loc)
	if err != nil {
		return nil, errors.New("file not found")
	}
	if st.IsDir() || st.Size() > maxFileBytes {
		return nil, errors.New("not a readable file")
	}
	data, err := readFile(loc)
	if err != nil {
		return nil, err
	}
	return parseTree(data, loc)
}

// prepared returns a file's tree rewritten by prep, as JSON for kin-openapi.
func (fs *fileSet) prepared(loc string) ([]byte, error) {
	if !strings.Contains(loc, "://") {
		loc = filepath.Clean(loc)
	}
	if b, ok := fs.json[loc]; ok {
		return b, nil
	}
	t, err := fs.tree(loc)
	if err != nil {
		return nil, err
	}
	p := &prep{root: t, file: loc, files: fs, notes: fs.notes}
	b, err := json.Marshal(p.walk(deepCopy(t), modeKeyword))
	if err == nil {
		fs.json[loc] = b
	}
	return b, err
}

// methods are the operation keys of a Path Item.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// paths rewrites the Paths object: operations that are {$ref: …} are inlined.
func (p *prep) paths(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return p.walk(v, modeNamed)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		item, ok := m[k].(map[string]any)
		if !ok {
			continue
		}
		for _, meth := range methods {
			if op, ok := item[meth].(map[string]any); ok {
				item[meth] = p.inlineOp(op, k, meth, 0)
			}
		}
	}
	return p.walk(m, modeNamed)
}

// inlineOp replaces an operation written as a $ref by the operation it points to.
func (p *prep) inlineOp(op map[string]any, path, meth string, depth int) any {
	ref, ok := op["$ref"].(string)
	if !ok {
		return op
	}
	if depth >= maxInlineDepth {
		p.notes.add(&p.notes.other, fmt.Sprintf("%s %s: operation $ref chain too deep", strings.ToUpper(meth), path))
		return map[string]any{}
	}
	target, err := p.resolve(ref)
	if err != nil {
		return map[string]any{"responses": map[string]any{}}
	}
	t, ok := target.(map[string]any)
	if !ok {
		p.notes.add(&p.notes.dangling, ref+" (not an operation)")
		return map[string]any{}
	}
	c := deepCopy(t).(map[string]any)
	from := p.file
	if file, _, _ := strings.Cut(ref, "#"); file != "" && p.file != "" {
		if loc, err := joinLoc(p.file, file); err == nil {
			from = loc
			rebase(c, from, p.file)
		}
	}
	if pos, ok := c[posKey].(srcPos); ok && pos.file == "" {
		c[posKey] = srcPos{file: from, line: pos.line}
	} else if at, has := op[posKey]; !ok && has {
		c[posKey] = at // a whole file: the operation is where it is $ref'd
	}
	p.notes.inlined++
	return p.inlineOp(c, path, meth, depth+1)
}

// rebase rewrites the $refs of a subtree copied from file from so that they
// still point at the same places when read from file to.
func rebase(node any, from, to string) {
	switch t := node.(type) {
	case []any:
		for _, e := range t {
			rebase(e, from, to)
		}
	case map[string]any:
		for k, v := range t {
			if s, ok := v.(string); ok && k == "$ref" {
				t[k] = rebaseRef(s, from, to)
				continue
			}
			if mapping, ok := v.(map[string]any); ok && k == "mapping" {
				// discriminator mapping values are refs too
				for name, mv := range mapping {
					if s, ok := mv.(string); ok && strings.ContainsAny(s, "#/.") {
						mapping[name] = rebaseRef(s, from, to)
					}
				}
				continue
			}
			rebase(v, from, to)
		}
	}
}

func rebaseRef(ref, from, to string) string {
	file, frag, hasFrag := strings.Cut(ref, "#")
	abs := from
	if file != "" {
		loc, err := joinLoc(from, file)
		if err != nil {
			return ref
		}
		abs = loc
	}
	if abs == to {
		return "#" + frag
	}
	out := abs
	switch {
	case strings.Contains(abs, "://"):
		// a URL stays absolute
	case isURL(to):
		return ref
	default:
		rel, err := filepath.Rel(filepath.Dir(to), abs)
		if err != nil {
			return ref
		}
		out = filepath.ToSlash(rel)
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// deepCopy copies a generic JSON tree.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}
