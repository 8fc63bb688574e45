package probes

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// DefaultMaxPages bounds the pages a collection snapshot reads. A longer
// list is counted only through the canary (new items come first in the
// usual newest-first lists); without one it cannot be counted: an error
// rather than a guess for a declared observer, an unobserved experiment for
// an inferred one (observe.go, blindOn).
const DefaultMaxPages = 20

// CollectionObserver counts the items of a list endpoint: the GET beside a
// POST, or one the user declared. It follows simple pagination, and only on
// the base URL's origin: Stripe's has_more with starting_after=<last id>, a
// next URL or cursor in the body, or a Link rel="next" header.
type CollectionObserver struct {
	Label   string // the configuration's name; "" for the planned list
	Path    string // concrete path, e.g. "/v1/payments"
	Pointer string // JSON pointer to the array; "" finds it (top level, data, items, results, entries)
	// Read is the planned list GET (openapi.Collection.Read): the GET's
	// required query parameters and headers are sent with the first page;
	// nil sends a bare GET of Path.
	Read *openapi.Request
	// MaxPages bounds the pages read (DefaultMaxPages when zero).
	MaxPages int

	from string // the planned observer this one derives from (observe_control.go, ofFamily)
}

func (c *CollectionObserver) family() string { return c.from }

// Name implements Observer.
func (c *CollectionObserver) Name() string {
	return observerName(c.Label, "collection GET "+c.Path)
}

// Snapshot implements Observer: it GETs the list, page after page, and
// returns its items.
func (c *CollectionObserver) Snapshot(ctx context.Context, a Access) (Snapshot, error) {
	maxPages := c.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	snap := Snapshot{Items: []Item{}}
	seenItem := map[string]bool{}
	seenURL := map[string]bool{}
	next := readURL(a.BaseURL, c.Path, c.Read)
	own := readHeader(c.Read)
	for page := 1; next != ""; page++ {
		if page > maxPages {
			snap.Truncated = true
			break
		}
		seenURL[next] = true
		r, v, err := getJSON(ctx, a, next, own)
		if err != nil {
			return Snapshot{}, fmt.Errorf("GET %s (page %d): %w", c.Path, page, err)
		}
		arr, err := c.array(v)
		if err != nil {
			return Snapshot{}, fmt.Errorf("GET %s: %w", c.Path, err)
		}
		items := toItems(arr)
		for _, it := range items {
			if !seenItem[it.ID] {
				seenItem[it.ID] = true
				snap.Items = append(snap.Items, it)
			}
		}
		next = nextPage(a.BaseURL, next, r, v, items)
		if next != "" {
			if u, err := url.Parse(next); err != nil || !sameOrigin(a.BaseURL, u) {
				snap.Truncated = true // idemcheck talks to the base URL only
				snap.OffOrigin = linkOrigin(u)
				break
			}
			if seenURL[next] {
				break // a server that links a page to itself
			}
		}
	}
	snap.Count = len(snap.Items)
	return snap, nil
}

// array finds the list in a response: at the configured pointer, or at the
// top level or in the conventional envelope fields.
func (c *CollectionObserver) array(v any) ([]any, error) {
	if c.Pointer != "" {
		at, ok := resolvePointer(v, c.Pointer)
		if !ok {
			return nil, fmt.Errorf("pointer %s resolves to nothing in the response (%s)", c.Pointer, shape(v))
		}
		a, ok := at.([]any)
		if !ok {
			return nil, fmt.Errorf("pointer %s is %s, not an array", c.Pointer, kindOf(at))
		}
		return a, nil
	}
	if a, ok := v.([]any); ok {
		return a, nil
	}
	if m, ok := v.(map[string]any); ok {
		for _, f := range []string{"data", "items", "results", "entries"} {
			if a, ok := m[f].([]any); ok {
				return a, nil
			}
		}
	}
	return nil, fmt.Errorf("no array at the top level or in data, items, results or entries (%s); configure its pointer", shape(v))
}

// nextPage returns the URL of the page after cur, or "" on the last page.
func nextPage(base, cur string, r *reply, v any, items []Item) string {
	if link := linkNext(r.Header); link != "" {
		return resolveRef(cur, link)
	}
	m, _ := v.(map[string]any)
	if m == nil {
		return ""
	}
	for _, ptr := range []string{"/next", "/next_url", "/next_page_url", "/links/next", "/_links/next/href", "/paging/next", "/pagination/next"} {
		if s, ok := pointerString(m, ptr); ok {
			if strings.HasPrefix(s, "/") || strings.Contains(s, "://") || strings.Contains(s, "?") {
				return resolveRef(cur, s)
			}
			return withQuery(cur, "cursor", s) // a bare token in "next"
		}
	}
	for _, ptr := range []string{"/next_cursor", "/meta/next_cursor", "/cursor/next", "/pagination/next_cursor"} {
		if s, ok := pointerString(m, ptr); ok {
			return withQuery(cur, "cursor", s)
		}
	}
	if more, _ := m["has_more"].(bool); more && len(items) > 0 {
		return withQuery(cur, "starting_after", items[len(items)-1].ID)
	}
	return ""
}

// pointerString is the non-empty string at ptr.
func pointerString(v any, ptr string) (string, bool) {
	at, ok := resolvePointer(v, ptr)
	s, isStr := at.(string)
	return s, ok && isStr && s != ""
}

// linkNext returns the rel="next" target of a Link header (RFC 8288).
func linkNext(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(name, "rel") && strings.Contains(" "+strings.Trim(val, `"`)+" ", " next ") {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

// resolveRef resolves a possibly relative reference against cur.
func resolveRef(cur, ref string) string {
	b, err := url.Parse(cur)
	if err != nil {
		return ""
	}
	u, err := b.Parse(ref)
	if err != nil {
		return ""
	}
	return u.String()
}

// withQuery returns cur with the query parameter name set to value.
func withQuery(cur, name, value string) string {
	u, err := url.Parse(cur)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// linkOrigin is the origin of a next-page link that leads off the base
// URL, for the message that says so: scheme and host only, never the path
// or query (which may carry a token).
func linkOrigin(u *url.URL) string {
	switch {
	case u == nil:
		return "an unparsable link"
	case u.Host == "":
		return "a link without a host"
	}
	return sanitizeOrigin(u.Scheme + "://" + u.Host)
}

// sanitizeOrigin keeps an origin printable and short: it comes from the
// server.
func sanitizeOrigin(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// truncation says why a truncated snapshot's list was not read to its end.
func (s Snapshot) truncation() string {
	if s.OffOrigin != "" {
		return fmt.Sprintf("the list's next page is on another origin (%s), which idemcheck does not contact: it talks to the base URL only", s.OffOrigin)
	}
	return fmt.Sprintf("the list has more pages than idemcheck reads (%d)", DefaultMaxPages)
}
