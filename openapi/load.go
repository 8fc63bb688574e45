package openapi

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

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// Document is a loaded OpenAPI document, converted to OpenAPI 3 when it was
// Swagger 2.0, with what was wrong with it.
type Document struct {
	T *openapi3.T
	// Source is the path or URL the document was loaded from.
	Source string
	// Version is the version the document declares: "2.0", "3.0.3", "3.1.0".
	Version string
	// Warnings say what is wrong with the document and what the loader did
	// about it. Real documents are rarely valid; idemcheck tests what it can.
	Warnings []string
}

// Load reads an OpenAPI 3.0/3.1 or Swagger 2.0 document from a file path or
// an http(s) URL. Relative file $refs next to a file are followed; remote
// $refs never are. It fails only when the document cannot be read at all.
func Load(ctx context.Context, source string) (*Document, error) {
	if isURL(source) {
		data, err := fetch(ctx, source)
		if err != nil {
			return nil, fmt.Errorf("load spec %s: %w", source, err)
		}
		return LoadData(ctx, data, source)
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
	doc, err := LoadData(ctx, data, abs)
	if doc != nil {
		doc.Source = source
	}
	return doc, err
}

// LoadData loads a document from memory. location names it in errors and,
// when it is a local path, is where relative file $refs are resolved from;
// it may be empty or a URL, in which case file $refs are not followed.
func LoadData(ctx context.Context, data []byte, location string) (doc *Document, err error) {
	name := location
	if name == "" {
		name = "<data>"
	}
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("load spec %s: %s", name, oneLine(fmt.Sprint("internal error: ", r), 200))
		}
	}()
	doc, err = loadData(ctx, data, location)
	if err != nil {
		return nil, fmt.Errorf("load spec %s: %s", name, oneLine(err.Error(), 300))
	}
	return doc, nil
}

func loadData(ctx context.Context, data []byte, location string) (*Document, error) {
	file := ""
	if location != "" && !isURL(location) {
		file, _ = filepath.Abs(location)
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
	fs := newFileSet(n)
	if file != "" {
		fs.trees[filepath.Clean(file)] = tree
	}
	p := &prep{root: tree, file: file, files: fs, notes: n}
	tree = p.walk(deepCopy(tree), modeKeyword)
	prepped, err := json.Marshal(tree)
	if err != nil {
		return nil, err
	}

	t, err := runKin(ctx, func() (*openapi3.T, error) { return kinLoad(ctx, prepped, file, swagger, fs) })
	if err != nil {
		return nil, err
	}
	doc := &Document{T: t, Source: location, Version: version, Warnings: n.warnings()}
	if err := validate(ctx, t); err != nil {
		doc.Warnings = append(doc.Warnings, "invalid document: "+oneLine(err.Error(), 300))
	}
	return doc, nil
}

// validate checks the document leniently: examples and defaults are data the
// planner re-checks itself, and a panic is only one more thing wrong with it.
func validate(ctx context.Context, t *openapi3.T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in kin-openapi: %v", r)
		}
	}()
	return t.Validate(ctx, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(),
		openapi3.AllowExtensionsWithRef(), openapi3.AllowExtraSiblingFields("description", "summary", "example", "examples"))
}

// kinLoad hands the prepared JSON to kin-openapi; file refs go through fs,
// which reads local files only.
func kinLoad(ctx context.Context, data []byte, file string, swagger bool, fs *fileSet) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	var loc *url.URL
	if file != "" {
		loc = &url.URL{Path: filepath.ToSlash(file)}
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
			if (u.Scheme != "" && u.Scheme != "file") || u.Host != "" {
				return nil, errRemoteRef
			}
			return fs.prepared(filepath.FromSlash(u.Path))
		}
	}
	if swagger {
		var d2 openapi2.T
		if err := json.Unmarshal(data, &d2); err != nil {
			return nil, err
		}
		return openapi2conv.ToV3WithLoader(&d2, loader, loc)
	}
	if loc != nil {
		return loader.LoadFromDataWithPath(data, loc)
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

// parseTree decodes JSON or YAML into a generic tree. A document that looks
// like JSON is parsed as JSON only: some JSON files are not valid YAML.
func parseTree(data []byte, name string) (any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty document")
	}
	var v any
	if trimmed[0] == '{' || trimmed[0] == '[' || strings.EqualFold(filepath.Ext(name), ".json") {
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("parse JSON: %w", err)
		}
		return v, nil
	}
	if _, err := yaml.Unmarshal(data, &v, yaml.DecodeOpts{DisableTimestamps: true}); err != nil {
		return nil, fmt.Errorf("parse YAML: %s", strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "))
	}
	return v, nil
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
