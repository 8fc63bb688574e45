package probes

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// An experiment that cannot be set up proves nothing either way, and says
// so as a skip with the reason, never as an error (an error is something to
// fix in the request or the server) and never as a pass. It cannot be set
// up when it needs a value that nothing in the document makes:
//
//   - a path parameter that nothing creates (openapi.Unresolved: Box's
//     device pins, a merchant's own customer id) whose value the server
//     answers 404 or 410: the document's example, or a DELETE's fresh id,
//     names nothing there;
//   - a parent whose create answered 2xx without the value, where the
//     create's response schema names no field for it either
//     (openapi.Link.NotInSchema: DigitalOcean's attach operations answer the
//     agent, not what they attached).
//
// Either way the configuration's path_params can name an existing value,
// and the reason says so. A parent refused for any other reason, or one
// whose response lacks a value its schema promises, stays an error: the
// request idemcheck built, or the server, is wrong.

// cannotSetUp is the error of an experiment that cannot be set up (see
// above); runOne makes it a skip.
type cannotSetUp struct{ reason string }

func (e *cannotSetUp) Error() string { return e.reason }

// setupSkipped reports whether err says the experiment cannot be set up,
// with the reason.
func setupSkipped(err error) (string, bool) {
	var cs *cannotSetUp
	if errors.As(err, &cs) {
		return cs.reason, true
	}
	return "", false
}

// unmadeRefusal says why r, op's answer, means the experiment cannot be
// set up: a 404 or 410 on a path that names values nothing in the document
// makes. "" when it does not. under is the operation the experiment is
// on, when op is a parent of it: a value op shares with it is configured
// there.
func unmadeRefusal(op *openapi.Operation, r *reply, under *openapi.Operation) string {
	if r == nil || r.Status != http.StatusNotFound && r.Status != http.StatusGone || len(op.Unresolved) == 0 || op.Request == nil {
		return ""
	}
	vals := templateValues(op.Path, op.Request.Path)
	var named []string
	for _, u := range op.Unresolved {
		v, ok := vals[u.Param]
		if !ok {
			continue
		}
		what := fmt.Sprintf("{%s} = %s", u.Param, v)
		if u.Value == "" {
			what += " (a fresh id)"
		}
		named = append(named, what)
	}
	if len(named) == 0 {
		return ""
	}
	where := fmt.Sprintf("operations.%s.path_params.%s", op.ID, op.Unresolved[0].Param)
	if under != nil && under != op {
		if ours, ok := openapi.SharedParams(op.Path, under.Path)[op.Unresolved[0].Param]; ok {
			where = fmt.Sprintf("operations.%s.path_params.%s", under.ID, ours)
		}
	}
	return fmt.Sprintf("its path names %s, which nothing in the document creates, so the experiment cannot be set up; name an existing one in the configuration (%s)",
		strings.Join(named, ", "), where)
}

// refused sets res for op's own request label, not processed as r shows:
// a skip when the experiment cannot be set up (unmadeRefusal), else the
// error that says what to fix; consequence says what the refusal means
// ("the experiment proves nothing").
func (x *Experiment) refused(res *Result, label, consequence string, r *reply) {
	if why := unmadeRefusal(x.Op, r, nil); why != "" {
		skip(res, fmt.Sprintf("%s was not processed (%s): %s", label, refusal(r), why))
		return
	}
	errorf(res, "%s", notProcessedLine(label, consequence, r))
}

// notProcessed is the verdict for a refused control or first request:
// refused's, whose error quotes the server's status and message and says
// what to do in the server's terms (refusal.go).
func (x *Experiment) notProcessed(res *Result, label string, r *reply) {
	x.refused(res, label, "the experiment proves nothing", r)
}

// templateValues reads a template's parameter values from a concrete path
// of the same segments: whole segments ("{id}") and a parameter with a
// literal suffix ("{Sid}.json"); nil when they do not line up.
func templateValues(tmpl, concrete string) map[string]string {
	if i := strings.IndexByte(tmpl, '#'); i >= 0 {
		tmpl = tmpl[:i] // Box's "/files/{file_id}#add_shared_link" is /files/{file_id}
	}
	ts, cs := strings.Split(tmpl, "/"), strings.Split(concrete, "/")
	if len(ts) != len(cs) {
		return nil
	}
	vals := map[string]string{}
	for i, seg := range ts {
		j := strings.IndexByte(seg, '}')
		if !strings.HasPrefix(seg, "{") || j < 0 || strings.ContainsAny(seg[j+1:], "{}") || !strings.HasSuffix(cs[i], seg[j+1:]) {
			continue
		}
		if v, err := url.PathUnescape(strings.TrimSuffix(cs[i], seg[j+1:])); err == nil {
			vals[seg[1:j]] = v
		}
	}
	return vals
}
