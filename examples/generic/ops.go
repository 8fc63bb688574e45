package generic

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The business logic of each kind of operation (model.go). Every one that
// names resources in its path first makes sure they exist: a request under
// a payment that was never created gets 404, as a real API answers.

// concrete is the normalized concrete path of the request's first n
// segments: "/2010-04-01/Accounts/AC…/Calls" for Twilio's Calls.json.
func (s *Server) concrete(v *validated, om *opModel, n int) string {
	parts := make([]string, n)
	for i := range n {
		seg := v.segs[i]
		if seg.re == nil {
			parts[i] = om.norm[i]
			continue
		}
		vals := make([]string, len(seg.names))
		for j, name := range seg.names {
			vals[j] = v.params[name]
		}
		parts[i] = strings.Join(vals, ",")
	}
	return join(parts)
}

// missingAncestor returns the concrete path of the first resource the
// request's first upto segments name that does not exist, or "". Caller
// holds data.mu.
func (s *Server) missingAncestor(v *validated, om *opModel, upto int) string {
	for i := range upto {
		if v.segs[i].re == nil {
			continue
		}
		key := s.concrete(v, om, i+1)
		if !s.exists(join(om.norm[:i+1]), key) {
			return key
		}
	}
	return ""
}

// exists reports whether the resource of slot at key exists: stored, or
// (when nothing in the document creates such resources) not deleted.
// Caller holds data.mu.
func (s *Server) exists(slot, key string) bool {
	if s.data.res[key] != nil {
		return true
	}
	if sl := s.model.slots[slot]; sl != nil && sl.producible {
		return false
	}
	return !s.data.deleted[key]
}

// current returns a snapshot of what the request's path names, or false
// when it does not exist. Caller holds data.mu.
func (s *Server) current(v *validated, om *opModel) (*resource, bool) {
	key := s.concrete(v, om, len(om.norm))
	if r := s.data.res[key]; r != nil {
		return r.snapshot(), true
	}
	if om.target >= 0 && !s.exists(join(om.norm), key) || om.target < 0 && s.data.deleted[key] {
		return nil, false
	}
	r := implicit(key)
	if om.target < 0 {
		r.coll = "" // a singleton (/v2/projects/default) is not listed with /v2/projects
	}
	return r, true
}

// existing is the resource v names, or nil and the path of the first of it
// and its ancestors that does not exist. The caller holds s.data.mu.
func (s *Server) existing(v *validated, om *opModel) (*resource, string) {
	if k := s.missingAncestor(v, om, upto(om)); k != "" {
		return nil, k
	}
	if res, ok := s.current(v, om); ok {
		return res, ""
	}
	return nil, s.concrete(v, om, len(om.norm))
}

// implicit is a resource nothing created, rendered from its path alone.
func implicit(key string) *resource {
	i := strings.LastIndexByte(key, '/')
	return &resource{key: key, coll: key[:i], id: key[i+1:], seed: hash64(key), fields: map[string]any{}}
}

// upto is how many segments name the resources that must exist before the
// operation: all but its target's.
func upto(om *opModel) int {
	if om.target >= 0 {
		return om.target
	}
	return len(om.norm)
}

func (s *Server) notFound(v *validated, key string) response {
	return s.errorResponse(v.route, http.StatusNotFound, "no such resource: "+key)
}

// naming is what tells where the response of om puts the id of the
// resource it acts on (idfield.go); nil for none.
func (s *Server) naming(om *opModel) *naming {
	if om.target >= 0 {
		if sl := s.model.slots[join(om.norm)]; sl != nil {
			return sl.naming
		}
	}
	return nil
}

func (s *Server) read(v *validated, om *opModel) response {
	s.data.mu.Lock()
	res, missing := s.existing(v, om)
	s.data.mu.Unlock()
	if res == nil {
		return s.notFound(v, missing)
	}
	return s.resourceResponse(v, om, 0, res, s.naming(om))
}

func (s *Server) create(v *validated, om *opModel) response {
	sl := s.model.slots[om.child]
	coll := s.concrete(v, om, len(om.norm))
	s.data.mu.Lock()
	if k := s.missingAncestor(v, om, len(om.norm)); k != "" {
		s.data.mu.Unlock()
		return s.notFound(v, k)
	}
	if q, ok := s.opts.Quotas[v.method+" "+v.path]; ok && len(s.data.byColl[coll]) >= q.Max {
		s.data.mu.Unlock()
		return s.errorResponse(v.route, http.StatusBadRequest, q.Message) // a business error: stored
	}
	if len(s.data.res) >= MaxResources {
		s.data.mu.Unlock()
		return plainError(http.StatusInsufficientStorage, "too many resources")
	}
	id := s.newID(sl, coll, s.idSchemaOf(v, sl))
	res := &resource{key: coll + "/" + id, coll: coll, id: id, seed: hash64(coll, id), fields: fieldsOf(v.body)}
	s.data.put(res)
	snap := res.snapshot()
	s.data.mu.Unlock()
	s.stats.created.Add(1)
	resp := s.resourceResponse(v, om, http.StatusCreated, snap, sl.naming)
	if declaresHeader(v.op, resp.status, "Location") {
		// only where the document says so: Stripe and Adyen send none,
		// and a client must find the id in the body
		resp.header.Set("Location", s.location(v, om, sl, id))
	}
	return resp
}

// location is where a created resource is read: the document's path of
// the resource, else the collection's path and the id.
func (s *Server) location(v *validated, om *opModel, sl *slot, id string) string {
	if sl.template == "" {
		return s.concrete(v, om, len(om.norm)) + "/" + id
	}
	segs := parseSegments(sl.template)
	parts := make([]string, len(segs))
	for i, seg := range segs {
		switch {
		case seg.re == nil:
			parts[i] = seg.literal
		case i == len(segs)-1:
			parts[i] = seg.prefix + id + seg.suffix
		case i < len(v.segs) && v.segs[i].re != nil:
			parts[i] = seg.prefix + v.params[v.segs[i].param] + seg.suffix
		}
	}
	return join(parts)
}

func (s *Server) upsert(v *validated, om *opModel) response {
	key := s.concrete(v, om, len(om.norm))
	s.data.mu.Lock()
	if k := s.missingAncestor(v, om, upto(om)); k != "" {
		s.data.mu.Unlock()
		return s.notFound(v, k)
	}
	existed := s.data.res[key] != nil
	res := implicit(key) // the same PUT makes the same resource: its seed is its path
	if om.target < 0 {
		res.coll = "" // a singleton is not listed with the collection its path ends in
	}
	res.fields = fieldsOf(v.body)
	s.data.put(res)
	snap := res.snapshot()
	s.data.mu.Unlock()
	status := http.StatusOK
	if !existed {
		status = http.StatusCreated
		s.stats.created.Add(1)
	}
	return s.resourceResponse(v, om, status, snap, s.naming(om))
}

func (s *Server) update(v *validated, om *opModel) response {
	s.data.mu.Lock()
	res, missing := s.existing(v, om)
	if res == nil {
		s.data.mu.Unlock()
		return s.notFound(v, missing)
	}
	if v.method == http.MethodPut {
		res.fields = fieldsOf(v.body) // a PUT replaces
	} else {
		for k, val := range fieldsOf(v.body) {
			res.fields[k] = val
		}
	}
	s.data.put(res)
	s.data.mu.Unlock()
	return s.resourceResponse(v, om, http.StatusOK, res, s.naming(om))
}

func (s *Server) remove(v *validated, om *opModel) response {
	s.data.mu.Lock()
	res, missing := s.existing(v, om)
	if res == nil {
		s.data.mu.Unlock()
		return s.notFound(v, missing)
	}
	s.data.remove(res.key)
	s.data.mu.Unlock()
	return s.resourceResponse(v, om, 0, res, s.naming(om))
}

func (s *Server) action(v *validated, om *opModel) response {
	s.data.mu.Lock()
	k := s.missingAncestor(v, om, len(om.norm))
	s.data.mu.Unlock()
	if k != "" {
		return s.notFound(v, k)
	}
	seq := s.seq.Add(1)
	status, media, sch := s.success(v.op, 0)
	rc := &renderCtx{seed: hash64(v.method, v.key, strconv.FormatUint(seq, 10)), params: paramNames(v, om), fields: fieldsOf(v.body)}
	return s.encode(status, media, s.renderOrNil(sch, rc))
}

func (s *Server) list(v *validated, om *opModel) response {
	coll := s.concrete(v, om, len(om.norm))
	s.data.mu.Lock()
	if k := s.missingAncestor(v, om, len(om.norm)); k != "" {
		s.data.mu.Unlock()
		return s.notFound(v, k)
	}
	items := s.data.list(coll)
	s.data.mu.Unlock()
	status, media, sch := s.success(v.op, 0)
	if sch == nil || sch.Value == nil {
		return s.encode(status, media, nil)
	}
	prop, itemSch, ok := listShape(sch.Value, om.norm[len(om.norm)-1])
	if !ok { // not a list after all: a read of what the path names
		return s.resourceResponse(v, om, 0, implicit(coll), nil)
	}
	total := len(items)
	page := listLimit(v)
	if itemsAt := listArray(sch.Value, prop); itemsAt != nil && itemsAt.MaxItems != nil && (page == 0 || uint64(page) > *itemsAt.MaxItems) {
		page = int(*itemsAt.MaxItems) // a page no longer than the document allows (PayPal's vault: 64)
	}
	if page > 0 && page < len(items) {
		items = items[:page]
	}
	sl := s.model.slots[join(om.norm)+"/{}"]
	params := paramNames(v, om)
	rendered := make([]any, 0, len(items))
	for _, res := range items {
		rc := &renderCtx{seed: res.seed, id: res.id, naming: sl.naming, params: params, fields: res.fields}
		if s.opts.RerenderLists { // see Options.RerenderLists
			rc.seed, rc.id = hash64(res.key, strconv.FormatUint(s.seq.Add(1), 10)), s.genID(sl, s.seq.Add(1), sl.id)
			rendered = append(rendered, s.render(itemSch, rc))
			continue
		}
		rendered = append(rendered, s.renderResource(itemSch, rc, res))
	}
	if prop == "" {
		return s.encode(status, media, rendered)
	}
	base, ok := s.render(sch, &renderCtx{seed: hash64(coll), params: paramNames(v, om)}).(map[string]any)
	if !ok {
		base = map[string]any{}
	}
	base[prop] = rendered
	props := properties(sch.Value)
	required := map[string]bool{}
	for _, r := range sch.Value.Required {
		required[r] = true
	}
	for name, p := range props {
		if p == nil || p.Value == nil {
			continue
		}
		switch t := typeOf(p.Value); {
		case countNames[normName(name)] && (t == "integer" || t == "number"):
			// the true count, where the document allows it: PayPal's
			// total_items is 1 to 50, so an empty vault or a full one
			// has none, as a real PayPal's cannot
			switch {
			case s.valid.value(p.Value, float64(total)) == nil:
				base[name] = float64(total)
			case !required[name]:
				delete(base, name)
			default:
				s.docIssue(fmt.Sprintf("%s %s: the required %s cannot say %d items (not valid for its schema); it says what its schema allows", v.method, v.key, name, total))
			}
		case moreNames[normName(name)] && t == "boolean":
			base[name] = len(rendered) < total
		}
	}
	return s.encode(status, media, base)
}

// listArray is the schema of the array a list response of sch holds its
// items in: sch itself, or its property prop.
func listArray(sch *openapi3.Schema, prop string) *openapi3.Schema {
	if prop == "" {
		return sch
	}
	if p := properties(sch)[prop]; p != nil {
		return p.Value
	}
	return nil
}

// listLimit is the page size the request asks for, 0 for none.
func listLimit(v *validated) int {
	for _, name := range []string{"limit", "page_size", "pageSize", "PageSize", "per_page", "perPage", "max_results", "maxResults"} {
		if n, err := strconv.Atoi(v.query.Get(name)); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

// resourceResponse renders res for the operation's success response;
// prefer is the status to answer when the operation declares it (201 for
// a create), else the lowest 2xx declared.
func (s *Server) resourceResponse(v *validated, om *opModel, prefer int, res *resource, nm *naming) response {
	status, media, sch := s.success(v.op, prefer)
	id := res.id
	if om.kind != kindCreate && om.target < 0 {
		id = "" // a singleton's last segment is a name, not its id
	}
	rc := &renderCtx{seed: res.seed, id: id, naming: nm, params: paramNames(v, om), fields: res.fields}
	return s.encode(status, media, s.renderResource(sch, rc, res))
}

// fieldsOf is the request body as fields to store and echo.
func fieldsOf(body any) map[string]any {
	if m, ok := body.(map[string]any); ok {
		return deepCopy(m).(map[string]any)
	}
	return map[string]any{}
}

// paramNames are the request's path parameters by the names a response may
// give them: their own, and for a parent the singular of the segment before
// it (/v1/payments/{id}/refunds: a refund's payment, payment_id).
func paramNames(v *validated, om *opModel) map[string]string {
	out := make(map[string]string, len(v.params))
	for k, val := range v.params {
		out[k] = val
	}
	for i, seg := range v.segs {
		if seg.re == nil || len(seg.names) != 1 || i == 0 || i == om.target || v.segs[i-1].re != nil {
			continue
		}
		noun := singular(stripExt(v.segs[i-1].literal))
		for _, alias := range []string{noun, noun + "_id"} {
			if _, ok := out[alias]; !ok {
				out[alias] = v.params[seg.param]
			}
		}
	}
	return out
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return strings.TrimSuffix(s, "ies") + "y"
	case strings.HasSuffix(s, "sses"):
		return strings.TrimSuffix(s, "es")
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return strings.TrimSuffix(s, "s")
	}
	return s
}

// declaresHeader reports whether op's response of status declares the
// header name.
func declaresHeader(op *openapi3.Operation, status int, name string) bool {
	if op.Responses == nil {
		return false
	}
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return false
	}
	for h := range ref.Value.Headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}
