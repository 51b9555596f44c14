package shard

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"0/1", "0/1", ""},
		{"2/3", "2/3", ""},
		{" 1/2 ", "1/2", ""},
		{"3/3", "", `shard "3/3": i must be between 0 and n-1 (2)`},
		{"-1/3", "", `shard "-1/3": i must be between 0 and n-1 (2)`},
		{"0/0", "", `shard "0/0": n must be between 1 and 65536`},
		{"1", "", `shard "1": want i/n, e.g. 0/3`},
		{"a/b", "", `shard "a/b": want i/n, e.g. 0/3`},
	} {
		s, err := Parse(tc.in)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("Parse(%q) error %v, want %s", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || s.String() != tc.want):
			t.Errorf("Parse(%q) = %v, %v", tc.in, s, err)
		}
	}
}

// Every repository belongs to exactly one shard, shares are even, names
// are case-insensitive, and adding a replica moves about 1/n of them.
func TestPartition(t *testing.T) {
	const repos = 20000
	names := make([]string, repos)
	for i := range names {
		names[i] = fmt.Sprintf("org%d/repo-%d", i%997, i)
	}
	for _, n := range []int{1, 2, 3, 7, 16} {
		counts := make([]int, n)
		for _, name := range names {
			owners := 0
			for i := range n {
				if (Shard{I: i, N: n}).Owns(name) {
					owners++
					counts[i]++
				}
			}
			if owners != 1 {
				t.Fatalf("%s owned by %d of %d shards", name, owners, n)
			}
		}
		for i, c := range counts {
			if d := float64(c) - float64(repos)/float64(n); d*d > (0.05*repos/float64(n))*(0.05*repos/float64(n)) {
				t.Errorf("n=%d: shard %d holds %d of %d (more than 5%% off even)", n, i, c, repos)
			}
		}
	}
	if Of("Curl/CURL", 5) != Of("curl/curl", 5) {
		t.Error("shard depends on the name's case")
	}
	moved := 0
	for _, name := range names {
		if Of(name, 4) != Of(name, 5) {
			moved++
		}
	}
	if f := float64(moved) / repos; f < 0.15 || f > 0.25 {
		t.Errorf("going from 4 to 5 replicas moved %.0f%% of the repositories, want about 20%%", 100*f)
	}
	if !(Shard{}).Owns("a/b") || !All.Owns("a/b") {
		t.Error("no sharding must own everything")
	}
}
