package probes

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/idemcheck/idemcheck/openapi"
)

// shardOps are 23 operations: groups of 5, 3 and 2 sharing a collection,
// and 13 without an observer.
func shardOps() []openapi.Operation {
	var ops []openapi.Operation
	add := func(n int, collection string) {
		for range n {
			i := len(ops)
			op := openapi.Operation{ID: fmt.Sprintf("op%02d", i), Method: "POST", Path: fmt.Sprintf("/r%02d", i)}
			if collection != "" {
				op.Collection = &openapi.Collection{Path: collection}
			}
			ops = append(ops, op)
		}
	}
	add(5, "/a")
	add(13, "")
	add(3, "/b")
	add(2, "/c")
	return ops
}

func TestShard(t *testing.T) {
	ops := shardOps()
	key := ObserverKey(nil)
	for n := 1; n <= 6; n++ {
		seen := map[string]int{}
		sizes := make([]int, n)
		for k := 1; k <= n; k++ {
			shard, err := Shard(ops, k, n, key)
			if err != nil {
				t.Fatal(err)
			}
			sizes[k-1] = len(shard)
			groupShard := map[string]bool{}
			for i, op := range shard {
				seen[op.ID]++
				if c := key(&op); c != "" {
					groupShard[c] = true
				}
				if i > 0 && shard[i-1].ID > op.ID {
					t.Errorf("%d/%d: operations out of their given order", k, n)
				}
			}
			// every group in this shard is here whole
			for c := range groupShard {
				for _, op := range ops {
					if key(&op) == c && !slices.ContainsFunc(shard, func(o openapi.Operation) bool { return o.ID == op.ID }) {
						t.Errorf("%d/%d: %s is split from its group %s", k, n, op.ID, c)
					}
				}
			}
		}
		if len(seen) != len(ops) {
			t.Errorf("n=%d: %d operations in some shard, want %d", n, len(seen), len(ops))
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("n=%d: %s is in %d shards", n, id, c)
			}
		}
		if spread := slices.Max(sizes) - slices.Min(sizes); spread > 5 {
			t.Errorf("n=%d: shard sizes %v differ by more than the largest group", n, sizes)
		}
		if n == 2 && slices.Max(sizes)-slices.Min(sizes) > 1 {
			t.Errorf("2 shards of 23 operations: sizes %v, want 12 and 11", sizes)
		}
	}
}

// TestShardOrderIndependent: every CI job computes the same split even if
// its operations came in another order.
func TestShardOrderIndependent(t *testing.T) {
	ops := shardOps()
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(ops)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for k := 1; k <= 3; k++ {
			a, _ := Shard(ops, k, 3, ObserverKey(nil))
			b, _ := Shard(shuffled, k, 3, ObserverKey(nil))
			ids := func(ops []openapi.Operation) []string {
				var s []string
				for _, op := range ops {
					s = append(s, op.ID)
				}
				slices.Sort(s)
				return s
			}
			if !slices.Equal(ids(a), ids(b)) {
				t.Fatalf("shard %d/3 differs with the operations shuffled: %v vs %v", k, ids(a), ids(b))
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		k, n int
		ok   bool
	}{
		{"1/2", 1, 2, true}, {"2/2", 2, 2, true}, {" 3 / 4 ", 3, 4, true}, {"1/1", 1, 1, true},
		{"0/2", 0, 0, false}, {"3/2", 0, 0, false}, {"1", 0, 0, false}, {"a/b", 0, 0, false},
		{"1/0", 0, 0, false}, {"-1/2", 0, 0, false}, {"1/1001", 0, 0, false}, {"", 0, 0, false},
	}
	for _, tt := range tests {
		k, n, err := ParseShard(tt.in)
		if (err == nil) != tt.ok || k != tt.k || n != tt.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tt.in, k, n, err)
		}
	}
	if _, err := Shard(shardOps(), 3, 2, nil); err == nil {
		t.Error("Shard 3/2 gave no error")
	}
}
