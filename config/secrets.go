package config

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// credentialName matches the names of settings, flags, variables, headers
// and fields that hold credentials.
var credentialName = regexp.MustCompile(`(?i)auth|token|secret|passw|pwd|api[-_]?key|access[-_]?key|private[-_]?key|credential|cookie|session`)

// Patterns of credentials in an observer's command line.
var (
	// userinfoRE: the password of scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:'"]*:([^\s/@'"]+)@`)
	// assignRE: NAME=value, and --name=value or --name value.
	assignRE = regexp.MustCompile(`(?:^|[\s;&|])-{0,2}([A-Za-z_][A-Za-z0-9_-]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s'";&|-][^\s'";&|]*)`)
	// headerRE: "Name: value", as a curl -H argument.
	headerRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9-]*)\s*:\s*([^'"\n\\]+)`)
)

// Secrets returns the credential values the configuration holds, for
// scrubbing from reports (report.Redact), sorted and without duplicates:
//
//   - in an observer's command: the password of a URL (scheme://user:pw@),
//     NAME=value, --name=value and --name value where the name looks like
//     a credential (PGPASSWORD=…, --token …), and 'Name: value' headers
//     where it does (-H 'Authorization: Bearer …');
//   - in an observer's GET path: the password of a URL and the values of
//     query parameters named like a credential (?api_key=…);
//   - in request bodies (body, error_body): the string values of fields
//     named like a credential.
//
// A name looks like a credential when it contains auth, token, secret,
// passw, pwd, api key, access key, private key, credential, cookie or
// session. This is a heuristic for what a configuration usually holds;
// --redact names anything else.
func (c *Config) Secrets() []string {
	if c == nil {
		return nil
	}
	set := map[string]bool{}
	add := func(v string) {
		if v = strings.Trim(strings.TrimSpace(v), `"'`); v != "" {
			set[v] = true
		}
	}
	for _, ob := range c.Observers {
		commandSecrets(ob.Command, add)
		pathSecrets(ob.Get, add)
		if ob.Collection != nil {
			pathSecrets(ob.Collection.Get, add)
		}
	}
	for _, op := range c.Operations {
		fieldSecrets(op.Body, add)
		fieldSecrets(op.ErrorBody, add)
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// commandSecrets finds the credentials in a command line.
func commandSecrets(cmd string, add func(string)) {
	for _, m := range userinfoRE.FindAllStringSubmatch(cmd, -1) {
		add(m[1])
	}
	for _, m := range assignRE.FindAllStringSubmatch(cmd, -1) {
		if credentialName.MatchString(m[1]) {
			add(m[2])
		}
	}
	for _, m := range headerRE.FindAllStringSubmatch(cmd, -1) {
		if credentialName.MatchString(m[1]) {
			add(m[2])
		}
	}
}

// pathSecrets finds the credentials in a GET path or URL.
func pathSecrets(p string, add func(string)) {
	if p == "" {
		return
	}
	for _, m := range userinfoRE.FindAllStringSubmatch(p, -1) {
		add(m[1])
	}
	u, err := url.Parse(p)
	if err != nil {
		return
	}
	for name, vs := range u.Query() {
		if credentialName.MatchString(name) {
			for _, v := range vs {
				add(v)
			}
		}
	}
}

// fieldSecrets finds the string values of credential-named fields in a
// JSON-like value, at any depth.
func fieldSecrets(v any, add func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for name, field := range v {
			if s, ok := field.(string); ok && credentialName.MatchString(name) {
				add(s)
				continue
			}
			fieldSecrets(field, add)
		}
	case []any:
		for _, e := range v {
			fieldSecrets(e, add)
		}
	}
}
