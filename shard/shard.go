// Package shard splits a watch list between replicas: `--shard i/n` gives
// replica i a stable share of the repositories, computed from the
// repository name alone, so replicas need no coordination (shared-nothing,
// each with its own store) and Prometheus federation or Thanos/Mimir join
// their metrics. Jump consistent hashing (Lamping and Veach, 2014) keeps
// the shares even and moves only about 1/n of the repositories when a
// replica is added.
package shard

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is replica I of N (0 <= I < N). The zero value is "no sharding".
type Shard struct{ I, N int }

// All is the whole watch list (one replica).
var All = Shard{I: 0, N: 1}

// Parse reads "i/n".
func Parse(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 0/3", s)
	case n < 1 || n > 1<<16:
		return Shard{}, fmt.Errorf("shard %q: n must be between 1 and 65536", s)
	case i < 0 || i >= n:
		return Shard{}, fmt.Errorf("shard %q: i must be between 0 and n-1 (%d)", s, n-1)
	}
	return Shard{I: i, N: n}, nil
}

func (s Shard) String() string {
	if s.N == 0 {
		return All.String()
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// Owns reports whether the repository ("owner/name", any case) belongs to
// this shard.
func (s Shard) Owns(repo string) bool {
	if s.N <= 1 {
		return true
	}
	return Of(repo, s.N) == s.I
}

// Of is the shard (0..n-1) a repository belongs to among n.
func Of(repo string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(repo)))
	return jump(h.Sum64(), n)
}

// jump is Lamping and Veach's jump consistent hash.
func jump(key uint64, n int) int {
	var b, j int64 = -1, 0
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}
