package openapi

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A client can only retry safely when the document tells it how: which key
// to send, whether it is required, and how long the server remembers it (a
// retry after the key expired is processed again). The static spec probe
// judges that from what the planner gathers here, so it needs no document.

// Docs is what the document says about an operation's idempotency.
type Docs struct {
	// Summary and Tags describe the operation, for the money-moving heuristic.
	Summary string   `json:"summary,omitempty"`
	Tags    []string `json:"tags,omitempty"`
	// KeyDeclared says the document itself declares the idempotency key; a
	// --key-header or --key-field flag may name a key it does not declare.
	KeyDeclared bool `json:"key_declared"`
	// Retention is the sentence of the document that says how long keys are
	// kept or when they expire; empty when it says nothing.
	Retention string `json:"retention,omitempty"`
}

// retentionWords match a statement of how long something is kept.
var retentionWords = regexp.MustCompile(`(?i)\b(expir\w*|retain\w*|retention|ttl|purg\w*|evict\w*|\d+\s*-?\s*(seconds?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?))\b`)

// aboutKeys matches text about idempotency keys, so that a retention
// sentence elsewhere in the document (e.g. "logs are kept 30 days") only
// counts when it is about keys.
var aboutKeys = regexp.MustCompile(`(?i)idempoten|\bkeys?\b`)

// describe gathers the Docs of operation r whose key is k.
func describe(t *openapi3.T, r opRef, params []*openapi3.Parameter, media *mediaChoice, k Key) *Docs {
	d := &Docs{Summary: r.op.Summary, Tags: r.op.Tags}
	keyText, declared := keyDocs(t, r, params, media, k)
	d.KeyDeclared = declared

	// The key's own description and idempotency extensions count as they
	// are; broader text counts only where it talks about keys.
	for _, text := range keyText {
		if s := retentionSentence(text, false); s != "" {
			d.Retention = s
			return d
		}
	}
	broad := []string{r.op.Description}
	if t.Info != nil {
		broad = append(broad, t.Info.Description)
	}
	for _, text := range broad {
		if s := retentionSentence(text, true); s != "" {
			d.Retention = s
			return d
		}
	}
	return d
}

// keyDocs returns the texts that describe the key (its description and any
// idempotency extension of the operation, the key parameter or the
// document), and whether the document declares the key at all.
func keyDocs(t *openapi3.T, r opRef, params []*openapi3.Parameter, media *mediaChoice, k Key) ([]string, bool) {
	var texts []string
	declared := detectKey(t, r, params, media, PlanOptions{}).In != KeyNone
	switch k.In {
	case KeyHeader:
		if p := findParam(params, openapi3.ParameterInHeader, k.Name); p != nil {
			declared = true
			texts = append(texts, p.Description)
			texts = append(texts, extensionTexts(p.Extensions)...)
		}
	case KeyBodyField, KeyFormField:
		if media != nil && !media.multipart {
			if ps := flatten(media.schema()).Properties[k.Name]; ps != nil && ps.Value != nil {
				declared = true
				texts = append(texts, ps.Value.Description)
				texts = append(texts, extensionTexts(ps.Value.Extensions)...)
			}
		}
	}
	texts = append(texts, extensionTexts(r.op.Extensions)...)
	texts = append(texts, extensionTexts(t.Extensions)...)
	return texts, declared
}

// extensionTexts renders the idempotency-related extensions
// ("x-idempotency-ttl: 24h", "x-fern-idempotency-headers: …") as text.
func extensionTexts(ext map[string]any) []string {
	var out []string
	for _, name := range sortedKeys(ext) {
		if strings.Contains(strings.ToLower(name), "idempoten") {
			out = append(out, fmt.Sprintf("%s: %v", name, ext[name]))
		}
	}
	return out
}

// retentionSentence returns the first sentence of text that states a
// retention or expiry, or "". With aboutKeysOnly the sentence must also be
// about keys.
func retentionSentence(text string, aboutKeysOnly bool) string {
	for _, s := range sentences(text) {
		if retentionWords.MatchString(s) && (!aboutKeysOnly || aboutKeys.MatchString(s)) {
			return oneLine(s, 200)
		}
	}
	return ""
}

// sentences splits prose into sentences at full stops and blank lines,
// joining wrapped lines.
func sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		for para != "" {
			i := strings.Index(para, ". ")
			if i < 0 {
				out = append(out, para)
				break
			}
			out = append(out, para[:i+1])
			para = para[i+2:]
		}
	}
	return out
}
