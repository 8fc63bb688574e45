package openapi

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestKeyFormatMake: keys follow their declared shape, distinct seeds give
// distinct keys, and a UUID carries the experiment's id in its first digits.
func TestKeyFormatMake(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tests := []struct {
		name  string
		f     *KeyFormat
		valid func(string) bool
	}{
		{"uuid", &KeyFormat{Format: KeyFormatUUID}, uuid.MatchString},
		{"ulid", &KeyFormat{Format: KeyFormatULID}, regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Z]{25}$`).MatchString},
		{"hex", &KeyFormat{Format: KeyFormatHex}, regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString},
		{"pattern", &KeyFormat{Pattern: `^[A-Z]{3}_[a-z0-9]{10,40}$`}, regexp.MustCompile(`^[A-Z]{3}_[a-z0-9]{10,40}$`).MatchString},
		{"short max", &KeyFormat{MaxLength: 16}, func(s string) bool { return len(s) <= 16 }},
		{"long min", &KeyFormat{MinLength: 50}, func(s string) bool { return len(s) >= 50 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for i := 0; i < 50; i++ {
				k := tt.f.Make("idemcheck-"+strings.Repeat("a", i), "3f9a01c")
				if !tt.valid(k) {
					t.Fatalf("key %q does not fit %s", k, tt.f)
				}
				if seen[k] {
					t.Fatalf("key %q made twice", k)
				}
				seen[k] = true
			}
		})
	}
	if k := (&KeyFormat{Format: KeyFormatUUID}).Make("x", "3f9a01c"); !strings.HasPrefix(k, "3f9a01c") {
		t.Errorf("uuid %q does not carry the experiment id 3f9a01c", k)
	}
	if k := (*KeyFormat)(nil).Make("idemcheck-x", "1"); k != "idemcheck-x" {
		t.Errorf("nil format changed the key: %q", k)
	}
}

// TestKeyFormatOf: only constraints idemcheck's own keys could break make a
// format (issue 16: format uuid, 36 characters, refused every control).
func TestKeyFormatOf(t *testing.T) {
	max := func(n uint64) *uint64 { return &n }
	tests := []struct {
		name string
		s    *openapi3.Schema
		want string
	}{
		{"plain", &openapi3.Schema{MinLength: 1, MaxLength: max(255)}, ""},
		{"uuid", &openapi3.Schema{Format: "uuid", MinLength: 36, MaxLength: max(36)}, "uuid, length 36-36"},
		{"short", &openapi3.Schema{MaxLength: max(20)}, "length 0-20"},
		{"enum", &openapi3.Schema{Enum: []any{"a", "b"}}, "one of 2 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyFormatOf(openapi3.NewSchemaRef("", tt.s)).String(); got != tt.want {
				t.Errorf("keyFormatOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzKeyFormatMake: a document's pattern and lengths never make Make
// panic or hang, and a key it returns for a pattern matches it.
func FuzzKeyFormatMake(f *testing.F) {
	f.Add(`^[a-z]{8}$`, 0, 0, "seed")
	f.Add(`((a{100}){100}){100}`, 1, 40, "x")
	f.Add(`^SU[0-9a-f]{32}$`, 34, 34, "")
	f.Fuzz(func(t *testing.T, pattern string, minLen, maxLen int, seed string) {
		if minLen < 0 || minLen > 1000 || maxLen < 0 || maxLen > 1000 {
			return
		}
		kf := &KeyFormat{Pattern: pattern, MinLength: minLen, MaxLength: maxLen}
		k := kf.Make(seed, "abc")
		if re, err := regexp.Compile(pattern); err == nil && k != "" {
			if p, ok := patternKey(pattern, minLen, maxLen, []byte(seed)); ok && !re.MatchString(p) {
				t.Errorf("patternKey(%q) = %q, which does not match", pattern, p)
			}
		}
	})
}

// FuzzLinkValue: any response yields a value or none, never a panic.
func FuzzLinkValue(f *testing.F) {
	f.Add("/id", `{"id":"a"}`, "/x/y")
	f.Add("/data/0", `[1,2]`, "")
	f.Fuzz(func(t *testing.T, ptr, body, loc string) {
		l := Link{Param: "id", Pointer: ptr, Source: sourceInferred}
		l.Value(http.Header{"Location": {loc}}, []byte(body))
	})
}
