package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// KeyIn says where an operation carries its idempotency key.
type KeyIn string

// The places an idempotency key can live.
const (
	KeyNone      KeyIn = ""       // no key found: only static and natural probes apply
	KeyHeader    KeyIn = "header" // a request header, e.g. Idempotency-Key
	KeyBodyField KeyIn = "body"   // a top-level field of a JSON body, e.g. idempotency_key
	KeyFormField KeyIn = "form"   // a field of a form-urlencoded body, e.g. IdempotencyKey
)

// Key is where an operation's idempotency key lives and how it was found.
type Key struct {
	In       KeyIn  `json:"in,omitempty"`
	Name     string `json:"name,omitempty"`
	Required bool   `json:"required"`
	// Source says how the key was found ("header parameter", "body property",
	// "--key-header flag", …), so a plan explains itself.
	Source string `json:"source,omitempty"`
	// Format is the shape a key value must have (keyformat.go); nil when
	// idemcheck's own keys fit.
	Format *KeyFormat `json:"format,omitempty"`
}

// String renders the key location for plans and reports: "header Idempotency-Key (required)".
func (k Key) String() string {
	if k.In == KeyNone {
		return "none"
	}
	s := string(k.In) + " " + k.Name
	if k.Required {
		s += " (required)"
	}
	return s
}

// Collection names the list operation beside a create, used to count side effects.
type Collection struct {
	Path string `json:"path"` // a concrete path, parameters filled: "/v1/payments"
	// Pointer is the JSON pointer of the array of items in the list's
	// response, as its 2xx schema says ("/data", "/entries"); "" for a
	// top-level array, or when the schema does not say (the observer then
	// looks at the top level and in the usual envelope fields).
	Pointer string `json:"pointer,omitempty"`
	// Why says how the list was recognised: "the 2xx response's entries is
	// an array of objects (with limit, next_marker)".
	Why string `json:"why,omitempty"`
	// Read is the list's GET, valid as the document says: Path with the
	// GET's required query, header and cookie parameters (reads.go); nil
	// for a collection not planned from a document.
	Read *Request `json:"read,omitempty"`
}

// Operation is one mutating operation, planned: where its key lives and a
// request proven valid against the document.
type Operation struct {
	ID     string `json:"id"`     // operationId, or "METHOD /path" when the document has none
	Method string `json:"method"` // upper case
	Path   string `json:"path"`   // the templated path as in the document: "/v1/payments/{id}"
	Key    Key    `json:"key"`
	// Position is where the operation is written in the document (file and
	// line of its method key); nil when unknown. See position.go.
	Position *Position `json:"position,omitempty"`

	// Request is a valid request for the operation, without the key. Nil when
	// Skip is set.
	Request *Request `json:"request,omitempty"`
	// AltBody is a second valid body that differs from Request's in a
	// meaningful field and in its encoded bytes; nil when none could be
	// proven valid.
	AltBody *Body `json:"alt_body,omitempty"`
	// AltSkip says why AltBody is nil ("" when it is not, or when the
	// operation was not planned); see alt.go.
	AltSkip string `json:"alt_skip,omitempty"`
	// AltParams are the operation's query and header parameters other than
	// the key, each with other valid values to send under a reused key, or
	// why it is not varied (mismatch-params); nil when the operation has no
	// key. See altparams.go.
	AltParams []ParamAlt `json:"alt_params,omitempty"`
	// ErrorBody is a valid body that fails with a business error (a declined
	// card), for error-replay; nil when none is known. See errorbody.go.
	ErrorBody *Body `json:"error_body,omitempty"`
	// Collection is where created resources can be counted; nil when none.
	Collection *Collection `json:"collection,omitempty"`
	// CreatedPath is where one resource a POST creates can be read back: the
	// request's concrete path plus the GET-by-id segment
	// ("/v1/payments/{id}"); "" when none. See created.go.
	CreatedPath string `json:"created_path,omitempty"`
	// CreatedRead is the GET-by-id of CreatedPath with its required query,
	// header and cookie parameters; its Path is CreatedPath (the id segment
	// still a template). Nil when CreatedPath is "".
	CreatedRead *Request `json:"created_read,omitempty"`
	// Observation says which observer the planner found for the
	// operation's side effects and why, or why none (reads.go); nil when
	// the operation was not planned.
	Observation *Observation `json:"observation,omitempty"`
	// Canary is the JSON pointer of a free-form string field of the body
	// (e.g. "/description") where probes put a value unique to one
	// experiment, so side effects can be attributed on a shared server; ""
	// when the body has no such field. See canary.go.
	Canary string `json:"canary,omitempty"`
	// IgnoreFields are this operation's volatile response fields (JSON
	// pointers), from the configuration file; see override.go.
	IgnoreFields []string `json:"ignore_fields,omitempty"`
	// Resource is the state a PUT, PATCH or DELETE acts on (its GET, the
	// list beside it, the PUT that creates it); nil when none is known.
	// See resource.go.
	Resource *Resource `json:"resource,omitempty"`
	// Removal says how what the operation creates is removed (the DELETE
	// on the created resource's path, cleanup.go); nil when it creates
	// nothing.
	Removal *Removal `json:"removal,omitempty"`
	// Chain says where chained path parameters come from: another
	// operation's response, sent first by every experiment (chain.go).
	Chain []Link `json:"chain,omitempty"`
	// Unresolved are the path parameters whose value nothing in the
	// document makes (no producer, no PUT, no configured value): the
	// planned value is sent, or a fresh one for a DELETE's own resource. A
	// request on them answered 404 or 410 cannot be set up: a skip, never
	// an error (chainunmade.go).
	Unresolved []Unresolved `json:"unresolved,omitempty"`
	// Docs is what the document says about the operation's idempotency, for
	// the static spec probe; nil when the path could not be planned. See docs.go.
	Docs *Docs `json:"docs,omitempty"`

	// Skip is the reason no request could be planned; empty when planned.
	Skip string `json:"skip,omitempty"`
	// Notes are non-fatal observations made while planning.
	Notes []string `json:"notes,omitempty"`
}

// Name is the human label of an operation: "POST /v1/payments".
func (o *Operation) Name() string { return o.Method + " " + o.Path }

// Body is a request body: its media type and its decoded value (a JSON value
// for application/json, a map[string]any of scalars for forms).
type Body struct {
	ContentType string `json:"content_type"`
	Value       any    `json:"value"`
}

// Request is a concrete, valid request for an operation, without its
// idempotency key. Build adds the key and produces an *http.Request.
type Request struct {
	Method string      `json:"method"`
	Path   string      `json:"path"` // path parameters substituted, escaped
	Query  url.Values  `json:"query,omitempty"`
	Header http.Header `json:"header,omitempty"` // required non-key headers
	Body   *Body       `json:"body,omitempty"`
}

// Build makes an HTTP request against baseURL. It places key where k says
// (no key when key is empty), uses body instead of r.Body when body is not
// nil, and adds the extra headers last so the user's -H flags win.
func (r *Request) Build(baseURL string, k Key, key string, body *Body, extra http.Header) (*http.Request, error) {
	if body == nil {
		body = r.Body
	}
	u := strings.TrimRight(baseURL, "/") + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	withKey := body
	if key != "" && (k.In == KeyBodyField || k.In == KeyFormField) {
		withKey = body.With(k.Name, key)
	}
	payload, ctype, err := withKey.encode()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(r.Method, u, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("build request %s %s: %w", r.Method, u, err)
	}
	if payload == nil {
		req.Body = http.NoBody
	}
	for name, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	if key != "" && k.In == KeyHeader {
		req.Header.Set(k.Name, key)
	}
	for name, vs := range extra {
		req.Header.Del(name)
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	return req, nil
}

// With returns a copy of b whose top-level object has field set to value.
// Bodies that are not objects are returned unchanged.
func (b *Body) With(field, value string) *Body {
	if b == nil {
		return &Body{ContentType: "application/json", Value: map[string]any{field: value}}
	}
	m, ok := b.Value.(map[string]any)
	if !ok {
		return b
	}
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	c[field] = value
	return &Body{ContentType: b.ContentType, Value: c}
}

// encode serialises the body for its media type.
func (b *Body) encode() ([]byte, string, error) {
	if b == nil {
		return nil, "", nil
	}
	switch {
	case strings.HasPrefix(b.ContentType, "application/x-www-form-urlencoded"):
		m, _ := b.Value.(map[string]any)
		return []byte(EncodeForm(m)), b.ContentType, nil
	case strings.HasPrefix(b.ContentType, "multipart/form-data"):
		m, _ := b.Value.(map[string]any)
		return encodeMultipart(m) // multipart.go
	default:
		p, err := json.Marshal(b.Value)
		if err != nil {
			return nil, "", fmt.Errorf("encode body: %w", err)
		}
		return p, b.ContentType, nil
	}
}

// EncodeForm encodes a flat map as application/x-www-form-urlencoded, with
// nested objects and arrays in the bracket style (a[b]=1, a[0]=x) that form
// APIs such as Stripe's read. Keys are sorted so requests are deterministic.
func EncodeForm(m map[string]any) string {
	v := url.Values{}
	addForm(v, "", m)
	return v.Encode()
}

func addForm(v url.Values, prefix string, x any) {
	switch t := x.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := k
			if prefix != "" {
				name = prefix + "[" + k + "]"
			}
			addForm(v, name, t[k])
		}
	case []any:
		for i, e := range t {
			addForm(v, fmt.Sprintf("%s[%d]", prefix, i), e)
		}
	case nil:
	default:
		v.Add(prefix, fmt.Sprint(t))
	}
}
