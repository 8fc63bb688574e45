package generic

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The router matches a request to the document's operations. kin-openapi's
// routers (gorillamux, legacy) match the document's servers' hosts (the
// server here is on loopback, the document names api.stripe.com), call
// doc.Validate first (most real documents fail it) and pick one of two
// operations the document puts on the same path (Box's path keys with a
// #fragment, Cashfree's /terminal/{terminal_phone_no} beside
// /terminal/{cf_terminal_id}). This one ignores servers, routes a
// "/files/{file_id}#add_shared_link" key on "/files/{file_id}", and returns
// every equally specific match, so that validation can accept a request
// that is valid for any of them: the document does not say which one a
// request is for, and a real server accepts each.

// route is one operation of the document.
type route struct {
	key    string // the path key as the document writes it
	path   string // key without its #fragment
	method string
	item   *openapi3.PathItem
	op     *openapi3.Operation
	segs   []segment
	rank   string // specificity, compared between matches
}

// segment is one "/"-separated part of a path template.
type segment struct {
	literal string         // the text, for a segment without {param}
	param   string         // the parameter's name, when the segment is "{param}" with optional affixes
	re      *regexp.Regexp // for a segment with a parameter
	names   []string       // the parameters re captures, in order
	// prefix and suffix are a single-parameter segment's literal affixes
	// (Twilio's "{Sid}.json" has suffix ".json").
	prefix, suffix string
}

var paramRE = regexp.MustCompile(`\{([^{}/]+)\}`)

func parseSegments(path string) []segment {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	segs := make([]segment, 0, len(parts))
	for _, p := range parts {
		locs := paramRE.FindAllStringSubmatchIndex(p, -1)
		if len(locs) == 0 {
			segs = append(segs, segment{literal: p})
			continue
		}
		var re strings.Builder
		re.WriteString("^")
		var names []string
		last := 0
		for _, l := range locs {
			re.WriteString(regexp.QuoteMeta(p[last:l[0]]))
			re.WriteString("([^/]+?)")
			names = append(names, p[l[2]:l[3]])
			last = l[1]
		}
		re.WriteString(regexp.QuoteMeta(p[last:]))
		re.WriteString("$")
		s := segment{re: regexp.MustCompile(re.String()), names: names, param: names[0]}
		if len(locs) == 1 {
			s.prefix, s.suffix = p[:locs[0][0]], p[locs[0][1]:]
		}
		segs = append(segs, s)
	}
	return segs
}

// rankOf orders templates by specificity, segment by segment: a literal
// beats a parameter with affixes, which beats a bare parameter.
func rankOf(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch {
		case s.re == nil:
			b.WriteByte('2')
		case s.prefix != "" || s.suffix != "" || len(s.names) > 1:
			b.WriteByte('1')
		default:
			b.WriteByte('0')
		}
	}
	return b.String()
}

// router holds the routes by segment count.
type router struct {
	bySegs map[int][]*route
	all    []*route
}

func newRouter(doc *openapi3.T) *router {
	r := &router{bySegs: map[int][]*route{}}
	if doc.Paths == nil {
		return r
	}
	keys := doc.Paths.InMatchingOrder()
	sort.Strings(keys) // deterministic
	for _, key := range keys {
		item := doc.Paths.Value(key)
		if item == nil {
			continue
		}
		path, _, _ := strings.Cut(key, "#")
		segs := parseSegments(path)
		for method, op := range item.Operations() {
			rt := &route{key: key, path: path, method: strings.ToUpper(method), item: item, op: op, segs: segs, rank: rankOf(segs)}
			r.bySegs[len(segs)] = append(r.bySegs[len(segs)], rt)
			r.all = append(r.all, rt)
		}
	}
	return r
}

// match is a route with the path parameters of one request.
type match struct {
	*route
	params map[string]string
}

// find returns the routes of method that match the escaped path, the most
// specific first; only the equally most specific ones are returned. HEAD
// is served by GET. pathFound says whether some method matched the path.
func (r *router) find(method, escapedPath string) (matches []match, pathFound bool) {
	parts := strings.Split(strings.Trim(escapedPath, "/"), "/")
	if method == "HEAD" {
		method = "GET"
	}
	for _, rt := range r.bySegs[len(parts)] {
		params, ok := rt.match(parts)
		if !ok {
			continue
		}
		pathFound = true
		if rt.method == method {
			matches = append(matches, match{rt, params})
		}
	}
	if len(matches) == 0 {
		return nil, pathFound
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].rank > matches[j].rank })
	best := matches[0].rank
	n := 1
	for n < len(matches) && matches[n].rank == best {
		n++
	}
	return matches[:n], true
}

func (rt *route) match(parts []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, s := range rt.segs {
		part, err := url.PathUnescape(parts[i])
		if err != nil {
			return nil, false
		}
		if s.re == nil {
			if part != s.literal {
				return nil, false
			}
			continue
		}
		m := s.re.FindStringSubmatch(part)
		if m == nil {
			return nil, false
		}
		for j, name := range s.names {
			params[name] = m[j+1]
		}
	}
	return params, true
}
