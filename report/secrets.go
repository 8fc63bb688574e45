package report

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Secret values are scrubbed from a run by length, so that a short value
// does not wipe out ordinary text (a 1-byte header value would otherwise
// replace every "1" of every body):
//
//   - MinSecretLen bytes and longer: wherever they appear, as substrings;
//   - minWordSecretLen up to MinSecretLen-1 bytes: as whole words only,
//     where the bytes around them are not letters or digits;
//   - shorter: only where a whole field is that value (a header value, a
//     body, an item id), after trimming spaces.
//
// A value's encodings (secretForms) are scrubbed at the tier of the value
// they encode.
const (
	MinSecretLen     = 8
	minWordSecretLen = 4
)

// notSecretHeaders are request headers whose -H values describe the request
// rather than a principal; HeaderSecrets leaves them out, so that
// "-H 'Accept: application/json'" does not scrub every content type in a
// report. Name them with --redact to scrub them anyway.
var notSecretHeaders = map[string]bool{
	"Accept":           true,
	"Accept-Charset":   true,
	"Accept-Encoding":  true,
	"Accept-Language":  true,
	"Cache-Control":    true,
	"Connection":       true,
	"Content-Language": true,
	"Content-Type":     true,
	"Pragma":           true,
	"Prefer":           true,
	"User-Agent":       true,
}

// HeaderSecrets lists the values of the headers the user supplied (-H,
// --other-header) that are to be scrubbed from reports: every value of every
// header, except those of notSecretHeaders.
func HeaderSecrets(headers ...http.Header) []string {
	var out []string
	for _, h := range headers {
		for name, vs := range h {
			if notSecretHeaders[http.CanonicalHeaderKey(name)] {
				continue
			}
			for _, v := range vs {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// secretForms returns the forms a secret may take in a server's answer,
// each with the length of the secret material it holds, which decides how
// it is scrubbed (MinSecretLen).
//
// Raw values: the secret; after an authentication scheme ("Bearer t",
// "Basic dXM6cHc=") the bare credentials; for Basic, the decoded "user:pass"
// and the password. The material of "Bearer t" is "t" and of "user:pass"
// the password: a scheme or a user name does not make a short credential
// long enough to scrub everywhere. Forms of each raw value: itself,
// URL-encoded (query and path, upper- and lower-case hex), JSON-escaped
// (with and without HTML escaping, and with "\/"), Go-quoted (go-cmp
// diffs), HTML-escaped, and base64 (standard and URL alphabets, padded and
// not).
func secretForms(secret string) map[string]int {
	forms := map[string]int{} // form → length of the secret material it holds
	for _, raw := range rawSecrets(strings.TrimSpace(secret)) {
		if raw.value == "" {
			continue
		}
		for _, f := range encodings(raw.value) {
			if n, ok := forms[f]; !ok || raw.material > n {
				forms[f] = raw.material
			}
		}
	}
	return forms
}

// rawSecret is a value a secret stands for and the length of the secret
// material in it.
type rawSecret struct {
	value    string
	material int
}

// rawSecrets is the secret, the credentials after its scheme, and what
// Basic credentials decode to.
func rawSecrets(secret string) []rawSecret {
	scheme, cred, ok := strings.Cut(secret, " ")
	cred = strings.TrimSpace(cred)
	if !ok || cred == "" || strings.ContainsAny(scheme, "\t\"'=:,;") {
		return []rawSecret{{secret, len(secret)}}
	}
	out := []rawSecret{{secret, len(cred)}, {cred, len(cred)}}
	if strings.EqualFold(scheme, "Basic") {
		if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, pass, ok := strings.Cut(string(dec), ":"); ok {
				out = append(out, rawSecret{string(dec), len(pass)}, rawSecret{pass, len(pass)})
			} else {
				out = append(out, rawSecret{string(dec), len(dec)})
			}
		}
	}
	return out
}

// encodings are the forms under which raw may be echoed.
func encodings(raw string) []string {
	out := []string{raw, html.EscapeString(raw)}
	for _, u := range []string{url.QueryEscape(raw), url.PathEscape(raw)} {
		out = append(out, u, lowerPercent(u)) // %2F and %2f
	}
	if q := strconv.Quote(raw); len(q) >= 2 {
		out = append(out, q[1:len(q)-1])
	}
	if j, err := json.Marshal(raw); err == nil && len(j) >= 2 {
		out = append(out, string(j[1:len(j)-1]), strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`))
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(raw) == nil {
		if j := strings.TrimSpace(b.String()); len(j) >= 2 {
			out = append(out, j[1:len(j)-1])
		}
	}
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		out = append(out, e.EncodeToString([]byte(raw)))
	}
	return out
}

// lowerPercent writes the hex digits of u's percent escapes in lower case.
func lowerPercent(u string) string {
	b := []byte(u)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

// lowerHex is c in lower case when it is a hex letter.
func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}
