package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// Document is a loaded OpenAPI document, converted to OpenAPI 3 when it was
// Swagger 2.0, with what was wrong with it.
type Document struct {
	// T is the document as kin-openapi loaded it, holding what Plan reads.
	// For a single-file OpenAPI 3 document that is all of it but GET, HEAD,
	// OPTIONS and TRACE operations (present, empty), response schemas and
	// the components only those used (prune.go).
	T *openapi3.T
	// Source is the path or URL the document was loaded from.
	Source string
	// Version is the version the document declares: "2.0", "3.0.3", "3.1.0".
	Version string
	// Warnings say what is wrong with the parts of the document idemcheck
	// plans and what the loader did about it. Real documents are rarely
	// valid; idemcheck tests what it can.
	Warnings []string

	file string // the absolute path or URL $refs were resolved from; "" for none
}

// Load reads an OpenAPI 3.0/3.1 or Swagger 2.0 document from a file path or
// an http(s) URL. File $refs inside the document's folder are followed
// (AllowRefDir adds folders); remote $refs are fetched only from the origin
// of a document that is itself a URL (refs.go). It fails only when the
// document cannot be read at all.
func Load(ctx context.Context, source string, opts ...LoadOption) (*Document, error) {
	if isURL(source) {
		data, err := fetch(ctx, source)
		if err != nil {
			return nil, fmt.Errorf("load spec %s: %w", source, err)
		}
		return LoadData(ctx, data, source, opts...)
	}
	abs, err := filepath.Abs(source)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: %w", source, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: no such file", source)
	}
	if st.IsDir() || st.Size() > maxFileBytes {
		return nil, fmt.Errorf("load spec %s: not a file of at most %d MiB", source, maxFileBytes>>20)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: %w", source, err)
	}
	doc, err := LoadData(ctx, data, abs, opts...)
	if doc != nil {
		doc.Source = source
	}
	return doc, err
}

// LoadData loads a document from memory. location names it in errors and
// says where its $refs are resolved from: a local path (relative file refs
// inside its folder are read) or a URL (refs of the same origin are
// fetched); it may be empty, in which case no $ref to another file is
// followed.
func LoadData(ctx context.Context, data []byte, location string, opts ...LoadOption) (doc *Document, err error) {
	name := location
	if name == "" {
		name = "<data>"
	}
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("load spec %s: %s", name, oneLine(fmt.Sprint("internal error: ", r), 200))
		}
	}()
	var cfg loadConfig
	for _, o := range opts {
		o(&cfg)
	}
	doc, err = loadData(ctx, data, location, &cfg)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: %s", name, oneLine(err.Error(), 300))
	}
	return doc, nil
}

func loadData(ctx context.Context, data []byte, location string, cfg *loadConfig) (*Document, error) {
	loc := location
	if loc != "" && !isURL(loc) {
		loc, _ = filepath.Abs(location)
		loc = filepath.Clean(loc)
	}
	tree, err := parseTree(data, location)
	if err != nil {
		return nil, err
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("not an OpenAPI document: the top level is not an object")
	}
	version, swagger := declaredVersion(root)
	if version == "" {
		return nil, errors.New(`not an OpenAPI document: no "openapi" or "swagger" version field`)
	}
	if swagger && version != "2.0" || !swagger && !strings.HasPrefix(version, "3.") {
		return nil, fmt.Errorf("unsupported version %q (want Swagger 2.0 or OpenAPI 3.x)", version)
	}

	n := &notes{}
	fs := newFileSet(ctx, newRefPolicy(loc, cfg.refDirs), n)
	fs.root = loc
	p := &prep{root: tree, file: loc, files: fs, notes: n}
	if loc != "" {
		// Other files may point back into this one; they see it rewritten,
		// as kin-openapi does.
		fs.trees[loc] = tree
	}
	tree = p.walk(tree, modeKeyword) // in place: a large document is not copied
	if m, ok := tree.(map[string]any); ok && !swagger && !fs.asked {
		prune(m) // single file: nothing else can point into what it drops
	}
	prepped, err := json.Marshal(tree)
	if err != nil {
		return nil, err
	}
	if !fs.asked {
		delete(fs.trees, loc) // no file $ref: the tree is garbage from here
	}
	p.root, tree, root = nil, nil, nil

	t, err := runKin(ctx, func() (*openapi3.T, error) { return kinLoad(ctx, prepped, loc, swagger, fs) })
	if err != nil {
		return nil, err
	}
	doc := &Document{T: t, Source: location, Version: version, file: loc}
	doc.Warnings = append(n.warnings(), checkPlanned(ctx, t)...)
	return doc, nil
}

// kinLoad hands the prepared JSON to kin-openapi; $refs to other files go
// through fs, which reads only what its policy allows.
func kinLoad(ctx context.Context, data []byte, loc string, swagger bool, fs *fileSet) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	var base *url.URL
	if loc != "" {
		if isURL(loc) {
			u, err := url.Parse(loc)
			if err != nil {
				return nil, err
			}
			base = u
		} else {
			base = &url.URL{Path: filepath.ToSlash(loc)}
		}
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
			c := *u
			c.Fragment, c.RawFragment = "", ""
			switch {
			case c.Scheme == "http" || c.Scheme == "https":
				return fs.prepared(c.String())
			case (c.Scheme != "" && c.Scheme != "file") || c.Host != "":
				return nil, errRemoteRef
			}
			return fs.prepared(filepath.FromSlash(c.Path))
		}
	}
	if swagger {
		var d2 openapi2.T
		if err := json.Unmarshal(data, &d2); err != nil {
			return nil, err
		}
		return openapi2conv.ToV3WithLoader(&d2, loader, base)
	}
	if base != nil {
		return loader.LoadFromDataWithPath(data, base)
	}
	return loader.LoadFromData(data)
}

// runKin runs f, turning a panic inside kin-openapi into an error and giving
// up (leaving f to finish in the background) when ctx is done.
func runKin(ctx context.Context, f func() (*openapi3.T, error)) (*openapi3.T, error) {
	type result struct {
		t   *openapi3.T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{err: fmt.Errorf("internal error in kin-openapi: %v", r)}
			}
		}()
		t, err := f()
		ch <- result{t, err}
	}()
	select {
	case r := <-ch:
		return r.t, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// declaredVersion returns the "openapi" or "swagger" field as a string.
func declaredVersion(root map[string]any) (string, bool) {
	if v, ok := root["openapi"]; ok {
		return versionString(v), false
	}
	if v, ok := root["swagger"]; ok {
		return versionString(v), true
	}
	return "", false
}

func versionString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return fmt.Sprintf("%.1f", t) // swagger: 2.0 unquoted
	}
	return ""
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
