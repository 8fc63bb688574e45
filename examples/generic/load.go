package generic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// Loading is kin-openapi's own (openapi3.Loader, openapi2conv for Swagger
// 2.0), on purpose not idemcheck's openapi.Load: the yardstick must not share
// the code it measures, and openapi.Load prunes what idemcheck does not plan.
// Real documents do not always load as they are, so the generic tree is
// first made loadable (prepare), the way a server framework's author would
// patch a vendor document before serving it. Nothing is fetched from the
// network: a $ref to a URL is refused.

// loadDocument reads an OpenAPI 3.x or Swagger 2.0 document. location is a
// file path ("" when data stands alone); relative file $refs are read from
// its folder tree.
func loadDocument(ctx context.Context, data []byte, location string) (*openapi3.T, error) {
	tree, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("not an OpenAPI document: the top level is not an object")
	}
	dir := ""
	if location != "" {
		abs, err := filepath.Abs(location)
		if err != nil {
			return nil, err
		}
		location, dir = abs, filepath.Dir(abs)
	}
	files := &fileCache{dir: dir, parsed: map[string]any{}, prepared: map[string][]byte{}}
	p := &preparer{root: root, files: files, file: location}
	if err := p.prepare(); err != nil {
		return nil, err
	}
	prepped, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = dir != ""
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		return files.read(u)
	}
	if _, swagger := root["swagger"]; swagger {
		var d2 openapi2.T
		if err := json.Unmarshal(prepped, &d2); err != nil {
			return nil, fmt.Errorf("swagger 2.0: %w", err)
		}
		var base *url.URL
		if location != "" {
			base = &url.URL{Path: filepath.ToSlash(location)}
		}
		return openapi2conv.ToV3WithLoader(&d2, loader, base)
	}
	if location != "" {
		return loader.LoadFromDataWithPath(prepped, &url.URL{Path: filepath.ToSlash(location)})
	}
	return loader.LoadFromData(prepped)
}

// fileCache reads the files of a split document, each once.
type fileCache struct {
	dir      string // the root document's folder; "" when there is none
	mu       sync.Mutex
	parsed   map[string]any    // path → tree as parsed (never handed out)
	prepared map[string][]byte // path → JSON for kin-openapi
}

// tree returns a copy of the parsed file at path, which must lie inside
// dir; anything else (a URL, a file outside the document's folder tree) is
// refused.
func (c *fileCache) tree(path string) (any, error) {
	if c.dir == "" {
		return nil, fmt.Errorf("$ref %s: the document has no folder", path)
	}
	p := filepath.Clean(path)
	if rel, err := filepath.Rel(c.dir, p); err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("$ref %s: outside %s", path, c.dir)
	}
	c.mu.Lock()
	t, ok := c.parsed[p]
	c.mu.Unlock()
	if !ok {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if t, err = parseTree(data); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		c.mu.Lock()
		c.parsed[p] = t
		c.mu.Unlock()
	}
	return deepCopy(t), nil
}

// read serves kin-openapi's loader: a file beside the document, prepared
// like the root (its dangling pointers become {}, its string fields
// written as $refs strings).
func (c *fileCache) read(u *url.URL) ([]byte, error) {
	if u.Scheme != "" && u.Scheme != "file" || u.Host != "" {
		return nil, fmt.Errorf("$ref %s: only files beside the document are read", u)
	}
	p := filepath.Clean(filepath.FromSlash(u.Path))
	c.mu.Lock()
	b, ok := c.prepared[p]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	tree, err := c.tree(p)
	if err != nil {
		return nil, err
	}
	fp := &preparer{root: tree, files: c, file: p}
	fp.walk(tree, "", false)
	if b, err = json.Marshal(tree); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.prepared[p] = b
	c.mu.Unlock()
	return b, nil
}

// parseTree parses JSON or YAML into plain Go values. JSON is parsed as
// JSON (Twilio's JSON is not valid YAML), numbers kept exact.
func parseTree(data []byte) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		var v any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&v); err == nil {
			return v, nil
		}
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return v, nil
}

// preparer makes one file's tree loadable by kin-openapi.
type preparer struct {
	root  any
	files *fileCache
	file  string // this file's absolute path; "" for data alone
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// prepare rewrites the root document in place:
//   - an operation written as {$ref: file} (DigitalOcean writes every one
//     so; OpenAPI allows $ref only on path items) is replaced by the file's
//     content, its relative $refs rebased onto the root's folder;
//   - a $ref into the same file that points at nothing (Square's
//     #/components/schemas/CatalogModifierToggleOverrideType, Square
//     Swagger 2.0's 33 #/definitions/…) becomes {}, an empty schema that
//     accepts anything, since no server can have meant more;
//   - a map of names written as a $ref (DigitalOcean's
//     properties: {$ref: attributes.yml#/load_balancer_droplet_ids}, not
//     OpenAPI but seen) is replaced by the map it points to;
//   - a description or summary written as a $ref to a string
//     (DigitalOcean's tags) becomes that string, as OpenAPI wants.
func (p *preparer) prepare() error {
	root := p.root.(map[string]any)
	if paths, ok := root["paths"].(map[string]any); ok {
		for _, item := range paths {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			for _, method := range methods {
				op, ok := m[method].(map[string]any)
				if !ok {
					continue
				}
				ref, ok := op["$ref"].(string)
				if !ok || strings.HasPrefix(ref, "#") || p.file == "" {
					continue
				}
				inlined, err := p.inline(ref)
				if err != nil {
					return fmt.Errorf("operation $ref %s: %w", ref, err)
				}
				m[method] = inlined
			}
		}
	}
	p.walk(root, "", false)
	return nil
}

// inline reads the file ref names (relative to this file) and returns the
// value its fragment points to, with every relative $ref in it rebased so
// that it resolves from this file.
func (p *preparer) inline(ref string) (any, error) {
	file, frag, _ := strings.Cut(ref, "#")
	target := filepath.Join(filepath.Dir(p.file), filepath.FromSlash(file))
	tree, err := p.files.tree(target)
	if err != nil {
		return nil, err
	}
	v, err := pointer(tree, frag)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(filepath.Dir(p.file), target)
	if err != nil {
		return nil, err
	}
	rebase(v, filepath.ToSlash(rel))
	return v, nil
}

// rebase rewrites the $refs of a value read from file relFile (relative to
// the document that now holds it): "#/x" becomes "relFile#/x", "other.yml"
// becomes "dir(relFile)/other.yml".
func rebase(v any, relFile string) {
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok {
			t["$ref"] = rebaseRef(ref, relFile)
		}
		// A discriminator's mapping values are $refs too, unless they are
		// bare schema names.
		if d, ok := t["discriminator"].(map[string]any); ok {
			if m, ok := d["mapping"].(map[string]any); ok {
				for k, e := range m {
					if s, ok := e.(string); ok && (strings.Contains(s, "#") || strings.Contains(s, ".")) {
						m[k] = rebaseRef(s, relFile)
					}
				}
			}
		}
		for _, e := range t {
			rebase(e, relFile)
		}
	case []any:
		for _, e := range t {
			rebase(e, relFile)
		}
	}
}

// namedKeys are the keywords whose map value is keyed by names (a property
// called "description" is a schema, not a description).
var namedKeys = map[string]bool{
	"properties": true, "patternProperties": true, "definitions": true, "$defs": true,
	"schemas": true, "responses": true, "parameters": true, "requestBodies": true,
	"headers": true, "securitySchemes": true, "securityDefinitions": true, "links": true,
	"callbacks": true, "paths": true, "webhooks": true, "content": true, "encoding": true,
	"examples": true, "pathItems": true,
}

func rebaseRef(ref, relFile string) string {
	file, frag, hasFrag := strings.Cut(ref, "#")
	switch {
	case file == "":
		return relFile + "#" + frag
	case strings.Contains(file, "://"):
		return ref
	}
	joined := filepath.ToSlash(filepath.Join(filepath.Dir(relFile), file))
	if hasFrag {
		joined += "#" + frag
	}
	return joined
}

// walk applies the in-file rules below node; key is the key node sits
// under, isName whether that key is a name rather than a keyword.
func (p *preparer) walk(node any, key string, isName bool) any {
	switch t := node.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok && namedKeys[key] && !isName {
			t = p.inlineNamed(t, ref) // see prepare
		}
		if ref, ok := t["$ref"].(string); ok {
			if (key == "description" || key == "summary") && !isName {
				if text, ok := p.target(ref).(string); ok {
					return text // see prepare
				}
			}
			if strings.HasPrefix(ref, "#") {
				if _, err := pointer(p.root, ref[1:]); err != nil {
					return map[string]any{} // dangling: see prepare
				}
			}
		}
		named := namedKeys[key] && !isName
		for k, v := range t {
			t[k] = p.walk(v, k, named)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = p.walk(e, "", false)
		}
	}
	return node
}

// inlineNamed returns the map ref points to, its relative $refs rebased onto
// this file, with t's other keys beside; t itself when ref leads nowhere.
func (p *preparer) inlineNamed(t map[string]any, ref string) map[string]any {
	m, ok := p.target(ref).(map[string]any)
	if !ok {
		delete(t, "$ref")
		return t
	}
	c := deepCopy(m).(map[string]any)
	if file, _, _ := strings.Cut(ref, "#"); file != "" {
		rebase(c, file)
	}
	for k, v := range t {
		if k != "$ref" {
			c[k] = v
		}
	}
	return c
}

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

// target is what ref points to from this file, or nil.
func (p *preparer) target(ref string) any {
	file, frag, _ := strings.Cut(ref, "#")
	if file == "" {
		v, _ := pointer(p.root, frag)
		return v
	}
	if p.file == "" {
		return nil
	}
	tree, err := p.files.tree(filepath.Join(filepath.Dir(p.file), filepath.FromSlash(file)))
	if err != nil {
		return nil
	}
	v, _ := pointer(tree, frag)
	return v
}

// pointer resolves a JSON pointer ("/components/schemas/A") in tree.
func pointer(tree any, frag string) (any, error) {
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	if frag == "" || frag == "/" {
		return tree, nil
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, fmt.Errorf("pointer %q is not absolute", frag)
	}
	cur := tree
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("pointer %q: %q not found", frag, tok)
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("pointer %q: bad index %q", frag, tok)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("pointer %q: %q not found", frag, tok)
		}
	}
	return cur, nil
}

// typeFormBodies gives a form or multipart request body schema that has
// properties but no type the type object: kin-openapi decodes only
// "type: object" form bodies (Cashfree's multipart uploads omit it), and
// a schema of properties means an object.
func typeFormBodies(doc *openapi3.T) {
	if doc.Paths == nil {
		return
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for media, mt := range op.RequestBody.Value.Content {
				if !strings.HasPrefix(media, "multipart/") && !strings.HasPrefix(media, "application/x-www-form-urlencoded") {
					continue
				}
				if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
					continue
				}
				if s := mt.Schema.Value; s.Type.IsEmpty() && len(s.Properties) > 0 {
					s.Type = &openapi3.Types{openapi3.TypeObject}
				}
			}
		}
	}
}

// formArrays reads a query parameter that declares style deepObject on an
// array (Stripe's expand on every operation) as an exploded form array,
// and returns a note for each. OpenAPI defines deepObject for objects
// only, and kin-openapi refuses to decode such a parameter: every request
// to the operation that has a query string, with the parameter or
// without it, would be invalid (Stripe's GET /v1/subscription_items?
// subscription=…), which no real Stripe answers. Read as form, the
// parameter's values are still checked against its schema when a request
// sends expand=…; Stripe's own expand[]=… is, like any query parameter
// the document does not name, not checked. The notes are document issues.
func formArrays(doc *openapi3.T) []string {
	count := map[string]int{}      // parameter name → operations
	example := map[string]string{} // parameter name → the first one
	seen := map[*openapi3.Parameter]bool{}
	fix := func(where string, ps openapi3.Parameters) {
		for _, ref := range ps {
			p := ref.Value
			if p == nil || p.In != openapi3.ParameterInQuery || p.Style != openapi3.SerializationDeepObject ||
				p.Schema == nil || p.Schema.Value == nil || typeOf(p.Schema.Value) != "array" {
				continue
			}
			if !seen[p] {
				seen[p] = true
				explode := true
				p.Style, p.Explode = openapi3.SerializationForm, &explode
			}
			if count[p.Name]++; example[p.Name] == "" {
				example[p.Name] = where
			}
		}
	}
	if doc.Paths != nil {
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			ops := item.Operations()
			for _, method := range sortedKeys(ops) {
				fix(method+" "+path, append(append(openapi3.Parameters(nil), item.Parameters...), ops[method].Parameters...))
			}
		}
	}
	var notes []string
	for _, name := range sortedKeys(count) {
		notes = append(notes, fmt.Sprintf("query parameter %s of %d operations (%s, …) declares style deepObject on an array, which OpenAPI allows on objects only and kin-openapi refuses to decode in any request with a query string: read as an exploded form array", name, count[name], example[name]))
	}
	return notes
}
