package generic

import (
	"hash/fnv"
	"sort"
	"sync"
)

// MaxResources bounds the stored resources; a create beyond it gets 507 (a
// 5xx, so its key is released for a later retry).
const MaxResources = 200_000

// resource is one stored resource.
type resource struct {
	key    string // its concrete normalized path: "/v1/customers/cus_1"
	coll   string // its collection's: "/v1/customers"
	id     string // the last segment's value
	seed   uint64 // what its rendering is generated from
	seq    uint64 // creation order
	ver    uint64 // changes with every put: what a rendering is remembered by (cache.go)
	fields map[string]any
}

// snapshot is a copy safe to render outside the lock.
func (r *resource) snapshot() *resource {
	c := *r
	c.fields = deepCopy(r.fields).(map[string]any)
	return &c
}

// store holds the resources by concrete path, and which implicit resources
// (those nothing in the document creates) were deleted.
type store struct {
	mu      sync.Mutex
	seq     uint64
	ver     uint64
	res     map[string]*resource
	byColl  map[string]map[string]*resource
	deleted map[string]bool
}

func newStore() *store {
	return &store{res: map[string]*resource{}, byColl: map[string]map[string]*resource{}, deleted: map[string]bool{}}
}

// put stores r (replacing what was at its key). A stored resource is
// never changed in place: an update puts a changed snapshot. Caller holds
// mu.
func (s *store) put(r *resource) {
	if r.fields == nil {
		r.fields = map[string]any{}
	}
	s.ver++
	r.ver = s.ver
	if old := s.res[r.key]; old != nil {
		r.seq = old.seq
	} else {
		s.seq++
		r.seq = s.seq
	}
	s.res[r.key] = r
	m := s.byColl[r.coll]
	if m == nil {
		m = map[string]*resource{}
		s.byColl[r.coll] = m
	}
	m[r.key] = r
	delete(s.deleted, r.key)
}

// remove deletes the resource at key. Caller holds mu.
func (s *store) remove(key string) {
	if r := s.res[key]; r != nil {
		delete(s.byColl[r.coll], key)
		delete(s.res, key)
	}
	s.deleted[key] = true
}

// list returns the collection's resources, newest first, to be read
// only (see put). Caller holds mu.
func (s *store) list(coll string) []*resource {
	out := make([]*resource, 0, len(s.byColl[coll]))
	for _, r := range s.byColl[coll] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq > out[j].seq })
	return out
}

// hash64 is a stable seed for a string.
func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}
