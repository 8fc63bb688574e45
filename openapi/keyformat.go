package openapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// An API whose key is declared `format: uuid` refuses idemcheck's own keys
// (idemcheck-<hex>) with 400, and every control is refused. So the key
// value follows its declared schema: format, pattern, length, enum. The
// probes make a fresh random seed per key and KeyFormat.Make turns it into
// a key of the right shape; distinct seeds give distinct keys, and the
// experiment's id (the hex digits of its canary prefix) is carried in the
// key where the shape leaves room (a UUID's leading random bits), so a key
// in a server log names the experiment that sent it.

// Key formats that the --key-format flag and `key: {format: …}` accept.
const (
	KeyFormatUUID = "uuid" // an RFC 9562 version 4 UUID
	KeyFormatULID = "ulid" // 26 characters of Crockford base32
	KeyFormatHex  = "hex"  // 32 lower-case hex digits
)

// KeyFormats lists the formats a user can name.
var KeyFormats = []string{KeyFormatUUID, KeyFormatULID, KeyFormatHex}

// CheckKeyFormat returns an error naming the known formats when f is not one.
func CheckKeyFormat(f string) error {
	if f == "" || contains(KeyFormats, f) {
		return nil
	}
	return fmt.Errorf("unknown key format %q (known: %s)", f, strings.Join(KeyFormats, ", "))
}

// KeyFormat is what a key value must look like. The zero value (or nil)
// leaves the probes' keys as they are.
type KeyFormat struct {
	Format    string   `json:"format,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	MinLength int      `json:"min_length,omitempty"`
	MaxLength int      `json:"max_length,omitempty"`
	Enum      []string `json:"enum,omitempty"`
	// Source says where the shape comes from: "document", "--key-format
	// flag", a configuration line.
	Source string `json:"source,omitempty"`
}

// String renders the format for plans: "uuid", "pattern ^[a-z]{8}$", "length 36-36".
func (f *KeyFormat) String() string {
	if f == nil {
		return ""
	}
	var parts []string
	if f.Format != "" {
		parts = append(parts, f.Format)
	}
	if f.Pattern != "" {
		parts = append(parts, "pattern "+f.Pattern)
	}
	if f.MinLength > 0 || f.MaxLength > 0 {
		max := "∞"
		if f.MaxLength > 0 {
			max = fmt.Sprint(f.MaxLength)
		}
		parts = append(parts, fmt.Sprintf("length %d-%s", f.MinLength, max))
	}
	if len(f.Enum) > 0 {
		parts = append(parts, fmt.Sprintf("one of %d values", len(f.Enum)))
	}
	return strings.Join(parts, ", ")
}

// keyFormatOf reads the constraints of a key's schema; nil when it has none
// that idemcheck's default keys could break.
func keyFormatOf(sr *openapi3.SchemaRef) *KeyFormat {
	if sr == nil || sr.Value == nil {
		return nil
	}
	s := flatten(sr)
	f := &KeyFormat{Pattern: s.Pattern, MinLength: int(s.MinLength), Source: "document"}
	switch strings.ToLower(s.Format) {
	case KeyFormatUUID, KeyFormatULID:
		f.Format = strings.ToLower(s.Format)
	}
	if s.MaxLength != nil && *s.MaxLength < 1<<20 {
		f.MaxLength = int(*s.MaxLength)
	}
	for _, e := range s.Enum {
		if str, ok := e.(string); ok && str != "" {
			f.Enum = append(f.Enum, str)
		}
	}
	if f.Pattern != "" {
		if _, err := regexp.Compile(f.Pattern); err != nil {
			f.Pattern = "" // an ECMA-only pattern: not checkable here either
		}
	}
	def := len("idemcheck-") + 24
	if f.Format == "" && f.Pattern == "" && len(f.Enum) == 0 && f.MinLength <= def && (f.MaxLength == 0 || f.MaxLength >= def) {
		return nil
	}
	return f
}

// Make turns a fresh seed (any string; distinct seeds, distinct keys) into
// a key of this format. ident is hex digits to carry where the format has
// room (the experiment's id); "" for none. A nil or empty format returns
// the seed unchanged.
func (f *KeyFormat) Make(seed, ident string) string {
	if f == nil {
		return seed
	}
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:]) // 64 random-looking hex digits
	switch {
	case len(f.Enum) > 0:
		return f.Enum[int(sum[0])%len(f.Enum)] // keys repeat: the plan notes it
	case f.Format == KeyFormatUUID:
		return uuidV4(ident, h)
	case f.Format == KeyFormatULID:
		return ulid(sum[:])
	case f.Format == KeyFormatHex:
		return f.fit(h[:32], h)
	case f.Pattern != "":
		if k, ok := patternKey(f.Pattern, f.MinLength, f.MaxLength, sum[:]); ok {
			return k
		}
	}
	return f.fit(seed, h)
}

// fit brings k within the length bounds: hex digits of h pad a short key;
// a long one becomes hex digits of h (which stay distinct), cut to size.
func (f *KeyFormat) fit(k, h string) string {
	if f.MaxLength > 0 && len(k) > f.MaxLength {
		k = h
		if len(k) > f.MaxLength {
			k = k[:f.MaxLength]
		}
	}
	for len(k) < f.MinLength {
		k += h[:min(len(h), f.MinLength-len(k))]
	}
	return k
}

// uuidV4 makes a version 4 UUID from 32 hex digits: ident first (the
// experiment), then h, with the version and variant nibbles set.
func uuidV4(ident, h string) string {
	ident = strings.ToLower(ident)
	if len(ident) > 8 || strings.Trim(ident, "0123456789abcdef") != "" {
		ident = ""
	}
	d := []byte(ident + h[:32-len(ident)])
	d[12] = '4'
	d[16] = "89ab"[strings.IndexByte("0123456789abcdef", d[16])%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", d[0:8], d[8:12], d[12:16], d[16:20], d[20:32])
}

// ulid renders 26 Crockford base32 characters from the random bytes
// (the first character kept below 8, as a ULID's timestamp requires).
func ulid(b []byte) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	out := make([]byte, 26)
	for i := range out {
		out[i] = alphabet[int(b[i%len(b)])%32]
	}
	out[0] = alphabet[int(b[0])%8]
	return string(out)
}

// patternKey generates a string matching pattern whose free choices
// (character classes) are taken from the random bytes, long enough to be
// unique (up to 32 repetitions) within the length bounds.
func patternKey(pattern string, minLen, maxLen int, random []byte) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	check, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	for _, reps := range []int{32, 24, 16, 8, 4, 2, 1, minLen} {
		g := &seeded{random: random}
		var b strings.Builder
		if !emit(&b, re, reps, 0, g) { // strings.go, its free characters drawn from random
			continue
		}
		s := b.String()
		n := len([]rune(s))
		if n < minLen || (maxLen > 0 && n > maxLen) || !check.MatchString(s) {
			continue
		}
		return s, true
	}
	return "", false
}

// seeded picks the free characters of strings.go's pattern generator from
// random bytes (a runePicker).
type seeded struct {
	random []byte
	i      int
}

func (g *seeded) next() int {
	if len(g.random) == 0 {
		return 0
	}
	b := g.random[g.i%len(g.random)]
	g.i++
	if g.i%len(g.random) == 0 { // keep drawing past the end, differently
		sum := sha256.Sum256(g.random)
		g.random = sum[:]
	}
	return int(b)
}

// anyRune draws a lower-case letter or digit.
func (g *seeded) anyRune() rune {
	return rune("abcdefghijklmnopqrstuvwxyz0123456789"[g.next()%36])
}

// classRune draws a printable ASCII letter or digit (else any printable
// ASCII character) of the class.
func (g *seeded) classRune(ranges []rune) rune {
	var pool []rune
	for _, pref := range []func(rune) bool{
		func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' },
		func(r rune) bool { return r > 0x20 && r < 0x7f },
	} {
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := ranges[i]; r <= ranges[i+1] && r < 0x7f; r++ {
				if pref(r) {
					pool = append(pool, r)
				}
			}
		}
		if len(pool) > 0 {
			return pool[g.next()%len(pool)]
		}
	}
	return classRune(ranges)
}

// keyFormatFor is the key's format: the configuration's, else the
// document's, else the --key-format flag's; nil for none or no key.
func keyFormatFor(k Key, ov *Override, opts PlanOptions) *KeyFormat {
	switch {
	case k.In == KeyNone:
		return nil
	case ov != nil && ov.KeyFormat != "":
		return &KeyFormat{Format: ov.KeyFormat, Source: ov.Source}
	case k.Format != nil:
		return k.Format
	case opts.KeyFormat != "":
		return &KeyFormat{Format: opts.KeyFormat, Source: "--key-format flag"}
	}
	return nil
}
