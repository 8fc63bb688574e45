package generic

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// DefaultKeyHeader is where a request carries its idempotency key when the
// document declares none for its operation.
const DefaultKeyHeader = "Idempotency-Key"

// maxBody bounds a request body; a larger one gets 413.
const maxBody = 1 << 20

// maxRecorded bounds the invalid requests and problems kept for Invalid and
// Problems; the counters go on counting.
const maxRecorded = 10_000

// Options configure a server. The zero value is a correct API.
type Options struct {
	// Location is the document's file path, from which its relative $refs
	// are read; "" when the document stands alone.
	Location string
	// KeyHeader is the idempotency key header of operations whose document
	// declares no key (DefaultKeyHeader when empty).
	KeyHeader string
	// ProcessingTime is spent processing each request while its key is
	// reserved, so that concurrent duplicates meet it in flight (409).
	ProcessingTime time.Duration
	// CheckResponses validates every response the server makes against
	// the document (kin-openapi's ValidateResponse) and records what is
	// wrong in Problems: the test of the server itself.
	CheckResponses bool
	// Quotas limit the resources one parent can have: "POST
	// /v1/payments/{id}/refunds" → at most Max refunds of one payment,
	// the next one answered 400 with Message, a business error (stored
	// under its key like a success).
	Quotas map[string]Quota
	// RerenderLists makes every list read answer fresh ids and timestamps
	// for the same items, as some APIs do: correct, but such a list cannot
	// be used to count what a request created.
	RerenderLists bool
}

// Quota is a limit of Options.Quotas.
type Quota struct {
	Max     int
	Message string
}

// Stats count what the server received and did.
type Stats struct {
	Requests, Invalid, Unrouted, Processed, Created, Replayed, InFlight, Reused int64
}

// Server is a correct, stateful API served from an OpenAPI document.
type Server struct {
	doc        *openapi3.T
	view       *openapi3.T // what requests and responses are validated against (validview.go)
	router     *router
	model      *model
	valid      *validator
	opts       Options
	principals []principalPart
	keys       *keyStore
	data       *store
	seq        atomic.Uint64 // seeds of processed actions, new ids
	places     sync.Map      // placeKey → where responses carry an id (idfield.go)
	renders    memo[renderKey, any]
	errors     memo[errorKey, response]
	checks     memo[checkKey, checkResult]

	stats struct{ requests, invalid, unrouted, processed, created, replayed, inFlight, reused atomic.Int64 }

	mu        sync.Mutex
	invalid   []Invalid
	unrouted  []string
	problems  []string
	docIssues map[string]bool
}

// New builds a server from an OpenAPI 3.x or Swagger 2.0 document (JSON or
// YAML).
func New(spec []byte, opts Options) (*Server, error) {
	return NewContext(context.Background(), spec, opts)
}

// Open builds a server from the document at path (its relative $refs read
// from its folder tree).
func Open(path string, opts Options) (*Server, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	opts.Location = path
	return New(data, opts)
}

// NewContext is New, with a context bounding the loading.
func NewContext(ctx context.Context, spec []byte, opts Options) (*Server, error) {
	doc, err := loadDocument(ctx, spec, opts.Location)
	if err != nil {
		name := opts.Location
		if name == "" {
			name = "<data>"
		}
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	if opts.KeyHeader == "" {
		opts.KeyHeader = DefaultKeyHeader
	}
	typeFormBodies(doc)
	notes := append(formArrays(doc), dropNullable(doc)...)
	r := newRouter(doc)
	s := &Server{
		doc:        doc,
		view:       validationView(doc),
		router:     r,
		model:      newModel(doc, r, opts.KeyHeader),
		valid:      newValidator(),
		opts:       opts,
		principals: principalParts(doc),
		keys:       newKeyStore(),
		data:       newStore(),
	}
	for _, n := range notes {
		s.docIssue(n)
	}
	return s, nil
}

// MustNew is New for documents known to load (the embedded variants).
func MustNew(spec []byte, opts Options) *Server {
	s, err := New(spec, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Invalid returns the requests refused as invalid for the document, oldest
// first (at most the first 10,000).
func (s *Server) Invalid() []Invalid {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invalid(nil), s.invalid...)
}

// Unrouted returns the requests for a path or method the document does not
// have ("HEAD /"), answered 404 or 405.
func (s *Server) Unrouted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unrouted...)
}

// Problems returns what went wrong in the server itself: a response not
// valid for the document (with Options.CheckResponses), a validator that
// failed on the document. A correct server has none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// DocumentIssues returns what the document makes impossible to answer
// validly (a oneOf whose alternatives all match the same values), sorted.
// A real server of the document would answer the same way.
func (s *Server) DocumentIssues() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.docIssues)
}

func (s *Server) docIssue(issue string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docIssues == nil {
		s.docIssues = map[string]bool{}
	}
	if len(s.docIssues) < maxRecorded {
		s.docIssues[issue] = true
	}
}

// unsatisfiable notes a oneOf no value matches alone.
func (s *Server) unsatisfiable(sch *openapi3.Schema) {
	name := sch.Title
	if name == "" {
		name = fmt.Sprintf("of %d alternatives", len(sch.OneOf))
	}
	s.docIssue(fmt.Sprintf("oneOf %s: no alternative makes a value that matches it alone", name))
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{
		Requests: s.stats.requests.Load(), Invalid: s.stats.invalid.Load(), Unrouted: s.stats.unrouted.Load(),
		Processed: s.stats.processed.Load(), Created: s.stats.created.Load(), Replayed: s.stats.replayed.Load(),
		InFlight: s.stats.inFlight.Load(), Reused: s.stats.reused.Load(),
	}
}

// Operations describes how the server reads each operation of the
// document: "POST /v1/customers: create (key: Idempotency-Key header)",
// sorted. It is the documentation of the rules applied to one document.
func (s *Server) Operations() []string {
	var out []string
	for rt, om := range s.model.ops {
		line := fmt.Sprintf("%s %s: %s", rt.method, rt.key, om.kind)
		if om.key.name != "" {
			where := map[keyIn]string{keyHeader: "header", keyBody: "body property", keyForm: "form field"}[om.key.in]
			decl := ""
			if !om.key.declared {
				decl = ", not declared"
			}
			line += fmt.Sprintf(" (key: %s %s%s)", om.key.name, where, decl)
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}

func (s *Server) problem(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.problems) < maxRecorded {
		s.problems = append(s.problems, p)
	}
}

func (s *Server) recordInvalid(iv Invalid) {
	s.stats.invalid.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.invalid) < maxRecorded {
		s.invalid = append(s.invalid, iv)
	}
}

func (s *Server) recordUnrouted(r *http.Request) {
	s.stats.unrouted.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unrouted) < maxRecorded {
		s.unrouted = append(s.unrouted, r.Method+" "+r.URL.RequestURI())
	}
}

// principalPart is where a credential is: Authorization, or an apiKey
// security scheme's header, cookie or query parameter.
type principalPart struct{ in, name string }

func principalParts(doc *openapi3.T) []principalPart {
	parts := []principalPart{{"header", "Authorization"}}
	if doc.Components == nil {
		return parts
	}
	for _, name := range sortedKeys(doc.Components.SecuritySchemes) {
		ss := doc.Components.SecuritySchemes[name]
		if ss == nil || ss.Value == nil || ss.Value.Type != "apiKey" || ss.Value.Name == "" {
			continue
		}
		p := principalPart{ss.Value.In, ss.Value.Name}
		if !containsPart(parts, p) {
			parts = append(parts, p)
		}
	}
	return parts
}

func containsPart(ps []principalPart, p principalPart) bool {
	for _, e := range ps {
		if e.in == p.in && strings.EqualFold(e.name, p.name) {
			return true
		}
	}
	return false
}

// principal names the caller by its credentials; keys are scoped by it.
func (s *Server) principal(r *http.Request) string {
	var b strings.Builder
	for _, p := range s.principals {
		var v string
		switch p.in {
		case "header":
			v = strings.Join(r.Header.Values(p.name), ",")
		case "cookie":
			if c, err := r.Cookie(p.name); err == nil {
				v = c.Value
			}
		case "query":
			v = r.URL.Query().Get(p.name)
		}
		if v != "" {
			fmt.Fprintf(&b, "%s:%s=%q;", p.in, p.name, v)
		}
	}
	if b.Len() == 0 {
		return "anonymous"
	}
	return b.String()
}

// DeclaresKeys reports whether the document declares an idempotency key on
// any operation; a document that declares none (Stripe's, Box's) is served
// with Options.KeyHeader on every operation.
func (s *Server) DeclaresKeys() bool {
	for _, om := range s.model.ops {
		if om.key.declared {
			return true
		}
	}
	return false
}
