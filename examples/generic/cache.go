package generic

import (
	"crypto/sha256"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// The server's time goes into generating, encoding and checking answers
// (a sweep of Stripe's document: 115 CPU-seconds, half of them the
// server's). Each cache below remembers what is a pure function of what it
// is keyed by, so that a cached answer is the answer that would have been
// made, byte for byte, and every check is still made once for every
// distinct answer:
//
//   - a stored resource's rendering, by the resource's version, the schema,
//     and what the overlay lays over it (a list re-renders every item on
//     every read otherwise, and idemcheck's observers read lists often);
//   - an error answer, by operation, status and message (its body is
//     generated from the message);
//   - a response check (Options.CheckResponses), by operation, status and
//     the SHA-256 of the headers and body: the same bytes are as valid as
//     they were, and what was wrong with them is recorded again.

// maxCached bounds each cache; a full one is emptied and refilled. A
// rendering of a Stripe resource can hold thousands of values: at 50,000
// the sweep's four documents at once grew to 7 GB.
const maxCached = 4096

// memo is a bounded map safe for concurrent use.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *memo[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

// renderKey names one rendering of a stored resource.
type renderKey struct {
	res    string
	ver    uint64
	sch    *openapi3.SchemaRef
	id     string
	naming *naming
	params string
}

// renderResource is render for a stored resource (rc's seed and fields
// are res's), remembered. The value is shared: it is only encoded.
func (s *Server) renderResource(sch *openapi3.SchemaRef, rc *renderCtx, res *resource) any {
	k := renderKey{res: res.key, ver: res.ver, sch: sch, id: rc.id, naming: rc.naming, params: joinParams(rc.params)}
	if res.ver == 0 { // never stored (an implicit resource): nothing to remember it by
		return s.renderOrNil(sch, rc)
	}
	if v, ok := s.renders.get(k); ok {
		return v
	}
	v := s.renderOrNil(sch, rc)
	s.renders.put(k, v)
	return v
}

func joinParams(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(params[k])
		b.WriteByte(0)
	}
	return b.String()
}

// errorKey names one error answer.
type errorKey struct {
	rt     *route
	status int
	msg    string
}

// checkKey names one response check.
type checkKey struct {
	op     *openapi3.Operation
	status int
	sum    [sha256.Size]byte // responseSum
}

// checkResult is what a check found: nothing, a problem or a document
// issue.
type checkResult struct {
	msg      string
	docIssue bool
}

func cloneResponse(r response) response {
	r.header = r.header.Clone()
	if r.header == nil {
		r.header = http.Header{}
	}
	return r
}
