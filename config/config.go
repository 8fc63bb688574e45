// Package config reads idemcheck.yaml: everything a user must tell
// idemcheck about one API that the OpenAPI document does not say — the
// request to send for an operation, its volatile response fields, where its
// key goes, and how to observe side effects no list endpoint shows.
//
// A configuration is strict: an unknown key, an unknown operation or a
// malformed value is an error that names the file and line, never silently
// ignored, because a misspelt setting that is ignored makes idemcheck test
// something other than what the user meant.
package config

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/idemcheck/idemcheck/openapi"
)

// DefaultFile is the conventional name of the configuration file.
const DefaultFile = "idemcheck.yaml"

// Config is a parsed configuration file.
type Config struct {
	// File is the name used in messages ("idemcheck.yaml").
	File string
	// Operations are the per-operation settings, in file order.
	Operations []Operation
	// Observers are the user-declared side-effect observers, in file order.
	Observers []Observer
}

// Operation is the configuration of one operation.
type Operation struct {
	// Name is the operation as written: an operationId or "METHOD /path".
	Name string
	Line int
	// Body replaces the synthesized request body when HasBody is set. It is
	// a JSON-like value: map[string]any, []any, string, int64, float64,
	// bool or nil.
	Body    any
	HasBody bool
	// PathParams are path parameter values by name.
	PathParams map[string]string
	// PathLinks are path parameters taken from another operation's
	// response ({from: createPayment, pointer: /id}), by name.
	PathLinks map[string]PathLink
	// IgnoreFields are JSON pointers of volatile response fields.
	IgnoreFields []string
	// Key says where the idempotency key goes; nil keeps detection.
	Key *Key
	// ErrorBody is a request body that fails with a 4xx business error
	// (error-replay), when HasErrorBody is set.
	ErrorBody    any
	HasErrorBody bool
	// Expect overrides single expectations of the --profile for this
	// operation, by the profile's field names (reuse_statuses: [422], …).
	Expect []Expectation
}

// Expectation is one profile field set for one operation.
type Expectation struct {
	Name  string
	Value any // JSON-like, as Body
	Line  int
}

// Key is where an operation's idempotency key goes: a header or a
// top-level body field (at most one is set; neither keeps detection), and
// its format.
type Key struct {
	Header   string
	Field    string
	Required bool
	// Format is the key's shape: one of openapi.KeyFormats, "" for the document's.
	Format string
}

// PathLink takes a path parameter from another operation's response.
type PathLink struct {
	From    string // operationId or "METHOD /path"
	Pointer string // JSON pointer into its response body; "" infers (id, Location)
	Line    int
}

// Observer is a user-declared side-effect observer. Exactly one of Get
// (with Pointer), Collection or Command is set.
type Observer struct {
	Name string
	Line int
	// Operations are the operations whose side effects it observes, as
	// written (operationIds or "METHOD /path"), with their lines.
	Operations     []string
	OperationLines []int
	// Get and Pointer: a GET path relative to the base URL and the JSON
	// pointer to a number (a counter) or an array in its response.
	Get     string
	Pointer string
	// Collection is a list endpoint, paginated like the planned ones.
	Collection *Collection
	// Command is a shell command printing a number or JSON (Pointer then
	// selects in it); Timeout bounds one run (0: the default).
	Command string
	Timeout time.Duration
}

// Collection is a list endpoint: its GET path and, optionally, the JSON
// pointer to the array.
type Collection struct {
	Get     string
	Pointer string
}

// Load reads and parses the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Where is "file:line", for messages that point at a setting.
func (c *Config) Where(line int) string {
	return fmt.Sprintf("%s:%d", c.File, line)
}

// Operation returns the configuration of the operation named by an
// operationId or "METHOD /path" as the document has them, or nil.
func (c *Config) Operation(op openapi.OperationName) *Operation {
	for i := range c.Operations {
		if op.Matches(c.Operations[i].Name) {
			return &c.Operations[i]
		}
	}
	return nil
}

// ObserverFor returns the observer declared for the operation, or nil.
func (c *Config) ObserverFor(op openapi.OperationName) *Observer {
	for i := range c.Observers {
		for _, name := range c.Observers[i].Operations {
			if op.Matches(name) {
				return &c.Observers[i]
			}
		}
	}
	return nil
}

// CheckOperations makes sure every operation the configuration names is
// one of known (the document's mutating operations), and that no operation
// has two observers. The error names the line.
func (c *Config) CheckOperations(known []openapi.OperationName) error {
	find := func(name string) int {
		for i, k := range known {
			if k.Matches(name) {
				return i
			}
		}
		return -1
	}
	hint := knownList(known)
	for _, op := range c.Operations {
		if find(op.Name) < 0 {
			return fmt.Errorf("%s: unknown operation %q in operations (known: %s)", c.Where(op.Line), op.Name, hint)
		}
		for _, param := range sortedLinks(op.PathLinks) {
			if l := op.PathLinks[param]; find(l.From) < 0 {
				return fmt.Errorf("%s: unknown operation %q in operations.%s.path_params.%s.from (known: %s)", c.Where(l.Line), l.From, op.Name, param, hint)
			}
		}
	}
	claimed := map[int]string{}
	for _, ob := range c.Observers {
		for i, name := range ob.Operations {
			k := find(name)
			if k < 0 {
				return fmt.Errorf("%s: unknown operation %q in observer %q (known: %s)", c.Where(ob.OperationLines[i]), name, ob.Name, hint)
			}
			if other, ok := claimed[k]; ok && other != ob.Name {
				return fmt.Errorf("%s: operation %q already has observer %q; one observer per operation", c.Where(ob.OperationLines[i]), name, other)
			}
			claimed[k] = ob.Name
		}
	}
	return nil
}

// knownList renders the known names for a hint, bounded.
func knownList(known []openapi.OperationName) string {
	if len(known) == 0 {
		return "none: the document has no mutating operations"
	}
	var names []string
	for _, k := range known {
		names = append(names, k.Names()...)
	}
	if len(names) > 12 {
		return strings.Join(names[:12], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

// normalize makes "post  /v1/x" and "POST /v1/x" the same.
func normalize(name string) string {
	m, p, ok := strings.Cut(strings.TrimSpace(name), " ")
	if !ok {
		return name
	}
	return strings.ToUpper(m) + " " + strings.TrimSpace(p)
}

// sortedLinks are the names of links, sorted, so errors are deterministic.
func sortedLinks(m map[string]PathLink) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
