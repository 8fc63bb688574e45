package probes

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/idemcheck/idemcheck/openapi"
)

// Sharding splits one run across the parallel jobs of a CI system (a
// GitHub Actions matrix, GitLab's parallel:): each job checks shard k of n
// and writes a JSON report, and report.Merge combines them into one.

// ParseShard reads "k/n" (1 ≤ k ≤ n ≤ 1000), as given to --shard.
func ParseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(s, "/")
	if ok {
		k, err = strconv.Atoi(strings.TrimSpace(ks))
		if err == nil {
			n, err = strconv.Atoi(strings.TrimSpace(ns))
		}
	}
	if !ok || err != nil || n < 1 || n > 1000 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q is not k/n with 1 ≤ k ≤ n ≤ 1000 (e.g. 1/2)", s)
	}
	return k, n, nil
}

// ObserverKey is the group key that keeps operations sharing a side-effect
// observer in one shard, as Run keeps them in one sequence: the observer's
// name, "" for none. observer is Target.Observer (nil means DefaultObserver).
func ObserverKey(observer func(*openapi.Operation) Observer) func(*openapi.Operation) string {
	if observer == nil {
		observer = DefaultObserver
	}
	return func(op *openapi.Operation) string {
		if o := observer(op); o != nil {
			return o.Name()
		}
		return ""
	}
}

// Shard returns shard k (1-based) of n of ops, in their given order.
// Operations with the same non-empty groupKey (ObserverKey: a shared
// observer) stay in one shard; groups go largest first to the shard with
// the fewest operations so far, ties to the lowest shard. The split
// depends only on the set of operations and their keys, not on their
// order, so every CI job computes the same one; every operation is in
// exactly one shard, and shards differ in size by at most the largest
// group. groupKey nil puts every operation in a group of its own.
//
// Run the shard with Config.Planned set to the targets of all of ops, so
// probes that need another operation (mismatch-target) find it in
// whichever shard it is.
func Shard(ops []openapi.Operation, k, n int, groupKey func(*openapi.Operation) string) ([]openapi.Operation, error) {
	mine, err := shardIndexes(len(ops), k, n, func(i int) string { return shardIdentity(&ops[i]) }, func(i int) string {
		if groupKey == nil {
			return ""
		}
		return groupKey(&ops[i])
	})
	if err != nil {
		return nil, err
	}
	out := make([]openapi.Operation, 0, len(mine))
	for _, i := range mine {
		out = append(out, ops[i])
	}
	return out, nil
}

// ShardTargets is Shard of settled targets: targets that share an
// observer stay in one shard. Run the shard with Config.Planned set to all of
// targets.
func ShardTargets(targets []Target, k, n int) ([]Target, error) {
	mine, err := shardIndexes(len(targets), k, n, func(i int) string { return shardIdentity(targets[i].Op) }, func(i int) string {
		if o := targets[i].Observer; o != nil {
			return o.Name()
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	out := make([]Target, 0, len(mine))
	for _, i := range mine {
		out = append(out, targets[i])
	}
	return out, nil
}

// shardIndexes picks shard k of n of count items, by their identities and
// group keys: the indexes of the items in shard k, ascending.
func shardIndexes(count, k, n int, identity, groupKey func(int) string) ([]int, error) {
	if n < 1 || k < 1 || k > n {
		return nil, fmt.Errorf("shard %d/%d: want 1 ≤ k ≤ n", k, n)
	}
	type group struct {
		id  string // the smallest item identity in the group
		idx []int
	}
	var groups []*group
	byKey := map[string]*group{}
	for i := range count {
		id := identity(i)
		key := groupKey(i)
		g := byKey[key]
		if key == "" || g == nil {
			g = &group{id: id}
			groups = append(groups, g)
			if key != "" {
				byKey[key] = g
			}
		}
		g.idx = append(g.idx, i)
		g.id = min(g.id, id)
	}
	slices.SortFunc(groups, func(a, b *group) int {
		return cmp.Or(cmp.Compare(len(b.idx), len(a.idx)), cmp.Compare(a.id, b.id))
	})
	load := make([]int, n)
	var mine []int
	for _, g := range groups {
		s := 0
		for j := range load {
			if load[j] < load[s] {
				s = j
			}
		}
		load[s] += len(g.idx)
		if s == k-1 {
			mine = append(mine, g.idx...)
		}
	}
	slices.Sort(mine)
	return mine, nil
}

// shardIdentity orders operations independently of the document's order.
func shardIdentity(op *openapi.Operation) string {
	return op.Path + "\x00" + strings.ToUpper(op.Method) + "\x00" + op.ID
}
