package openapi

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// A $ref can name any file or URL, and a CI runner keeps secrets on disk:
// the loader reads only what belongs to the document. A local $ref is read
// when it stays inside the root document's folder tree (or a directory the
// user allowed); a remote $ref is fetched only when the document itself
// came from a URL and the ref shares its origin. Everything else is refused
// before any file is opened or any request sent, with one warning naming
// the $ref.

// LoadOption changes how Load and LoadData read a document.
type LoadOption func(*loadConfig)

// loadConfig is what the options set.
type loadConfig struct {
	refDirs []string // absolute directories local $refs may also read from
}

// AllowRefDir lets local $refs read files under dir as well as under the
// root document's folder (the --allow-ref-dir flag). dir is made absolute
// against the working directory; an empty dir is ignored.
func AllowRefDir(dir string) LoadOption {
	return func(c *loadConfig) {
		if dir == "" {
			return
		}
		if abs, err := filepath.Abs(dir); err == nil {
			c.refDirs = append(c.refDirs, abs)
		}
	}
}

// MaxRemoteRefs bounds how many documents the $refs of a document loaded
// from a URL may fetch from its origin.
const MaxRemoteRefs = 100

// errOutside refuses a local $ref that leaves the allowed folders.
var errOutside = errors.New("outside the document's folder")

// readFile reads a local file; tests replace it to see what is opened.
var readFile = os.ReadFile

// refPolicy decides which locations $refs may read.
type refPolicy struct {
	origin string   // scheme://host of a document loaded from a URL; "" otherwise
	dirs   []string // folders local refs may read, lexical and symlink-free forms
}

// newRefPolicy allows the folder of root (a file path or URL) and dirs.
func newRefPolicy(root string, dirs []string) *refPolicy {
	p := &refPolicy{}
	if isURL(root) {
		if u, err := url.Parse(root); err == nil {
			p.origin = u.Scheme + "://" + u.Host
		}
		return p
	}
	if root != "" {
		dirs = append([]string{filepath.Dir(root)}, dirs...)
	}
	for _, d := range dirs {
		d = filepath.Clean(d)
		p.dirs = append(p.dirs, d)
		if real, err := filepath.EvalSymlinks(d); err == nil && real != d {
			p.dirs = append(p.dirs, real)
		}
	}
	return p
}

// joinLoc resolves the file part of a $ref (no fragment) against the
// location base of the file it is written in: a URL against a URL, a path
// against a path. It does not check that the result may be read.
func joinLoc(base, file string) (string, error) {
	u, err := url.Parse(file)
	if err != nil {
		return "", err
	}
	if isURL(base) {
		b, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		r := b.ResolveReference(u)
		r.Fragment, r.RawFragment = "", ""
		return r.String(), nil
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(file, "//") {
		return u.String(), nil // a URL from a local file: refused by allowed
	}
	p := filepath.FromSlash(unescape(file))
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(base), p)
	}
	return filepath.Clean(p), nil
}

// allowed returns nil when loc may be read, without opening it: a URL of
// the document's origin, or a path inside an allowed folder (symlinks
// resolved, so a link cannot lead out).
func (p *refPolicy) allowed(loc string) error {
	if strings.Contains(loc, "://") {
		u, err := url.Parse(loc)
		if err != nil || p.origin == "" || (u.Scheme != "http" && u.Scheme != "https") || u.Scheme+"://"+u.Host != p.origin {
			return errRemoteRef
		}
		return nil
	}
	if !p.inside(loc) {
		return errOutside
	}
	real, err := filepath.EvalSymlinks(loc)
	if err != nil {
		return errors.New("file not found")
	}
	if !p.inside(real) {
		return errOutside
	}
	return nil
}

// inside reports whether path lies in one of the allowed folders.
func (p *refPolicy) inside(path string) bool {
	for _, d := range p.dirs {
		rel, err := filepath.Rel(d, path)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// refused records why a $ref was not followed, once per $ref.
func (n *notes) refused(ref string, err error) {
	switch {
	case errors.Is(err, errRemoteRef):
		n.add(&n.remote, ref)
	case errors.Is(err, errOutside):
		n.add(&n.outside, ref)
	default:
		n.add(&n.dangling, fmt.Sprintf("%s (%v)", ref, err))
	}
}
