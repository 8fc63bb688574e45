package openapi

import "strings"

// A parent's collection is found by the shape of its path, not by its
// parameters' names. Stripe writes the refunds of an application fee as
// POST /v1/application_fees/{id}/refunds and one refund as
// /v1/application_fees/{fee}/refunds/{id}: OpenAPI forbids two templated
// paths that differ only in their parameters' names (they would be one
// path), so the same shape is the same collection. The producer's
// parameters are then the operation's by position: the producer's {id} is
// the operation's {fee}, and gets the value the operation has for it
// (SharedParams; Link.Shared shows the names that differ).
//
// A document that writes a format suffix on the last segment of every path
// (Twilio's /Accounts/{AccountSid}/Calls.json, /Accounts.json) writes its
// parent collections with it too: the {AccountSid} of
// /Accounts/{AccountSid}/Addresses.json is created by POST /Accounts.json.

// pathShape is p with every parameter's name erased:
// "/v1/application_fees/{}/refunds", "/Accounts/{}/Calls/{}.json".
func pathShape(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		b.WriteString("{}")
		p = p[i+j+1:]
	}
}

// parentCandidates are the paths a parent collection may be written with,
// most likely first: base with the rest of the parameter's own segment
// ("/Calls" + ".json" for "{Sid}.json"), base alone, and base with the
// format suffix the operation's own path ends in (Twilio's ".json").
func parentCandidates(base, rest, own string) []string {
	_, suffix := splitSuffix(strings.TrimRight(own, "/"))
	var out []string
	for _, c := range []string{base + rest, base, base + suffix} {
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// sharedParams maps the path parameters of the producer's path prodPath to
// the operation's whose path starts with the segments prefix, by position
// (the two have one shape): {"id": "fee"} for POST
// /v1/application_fees/{id}/refunds and /v1/application_fees/{fee}/refunds.
// Nil when the producer has none, or when they do not line up.
func sharedParams(prodPath string, prefix []string) map[string]string {
	theirs := pathParams(opRef{path: prodPath})
	ours := pathParams(opRef{path: strings.Join(prefix, "/")})
	if len(theirs) == 0 || len(theirs) != len(ours) {
		return nil
	}
	out := make(map[string]string, len(theirs))
	for i, t := range theirs {
		out[t] = ours[i]
	}
	return out
}

// theirName is the producer's name for the operation's parameter ours
// under shared (the inverse of Link.Shared); ours itself when shared does
// not name it.
func theirName(shared map[string]string, ours string) string {
	for t, o := range shared {
		if o == ours {
			return t
		}
	}
	return ours
}

// renamed keeps the pairs of shared whose names differ: what Link.Shared
// shows. Nil when none do.
func renamed(shared map[string]string) map[string]string {
	var out map[string]string
	for t, o := range shared {
		if t != o {
			if out == nil {
				out = map[string]string{}
			}
			out[t] = o
		}
	}
	return out
}

// SharedParams maps the path parameters of the producer's path template to
// those of the operation's (op) that name the same parents: when the
// producer's request path, parameter names and its format suffix erased,
// starts op's ("/a/{}/b" of "/a/{x}/b/{y}/c"), by position. Nil when it
// does not, or when the producer has no parameters.
func SharedParams(producer, op string) map[string]string {
	ps := strings.Split(strings.TrimRight(requestPath(producer), "/"), "/")
	os := strings.Split(strings.TrimRight(requestPath(op), "/"), "/")
	if len(ps) > len(os) {
		return nil
	}
	n := len(ps) - 1
	out := map[string]string{}
	for i, seg := range ps {
		ours := os[i]
		if i == n { // "Calls.json" starts "/Calls/{Sid}.json"; "{Sid}.json" is "{Sid}"
			seg, _ = splitSuffix(seg)
			ours, _ = splitSuffix(ours)
		}
		if pathShape(seg) != pathShape(ours) {
			return nil
		}
		if isTemplateSegment(seg) && isTemplateSegment(ours) {
			out[seg[1:len(seg)-1]] = ours[1 : len(ours)-1]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
