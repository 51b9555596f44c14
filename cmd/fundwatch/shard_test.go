package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fundwatch/fundwatch/shard"
)

// --shard i/n splits the resolved watch list: three replicas together
// watch every repository exactly once, each the ones the hash gives it.
func TestShardSplitsTheWatchList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var want []string
	var b strings.Builder
	b.WriteString("watch:\n")
	for i := range 30 {
		name := fmt.Sprintf("org%d/repo%d", i%4, i)
		want = append(want, name)
		fmt.Fprintf(&b, "  - %s\n", name)
	}
	cfg := filepath.Join(dir, "fw.yaml")
	os.WriteFile(cfg, []byte(b.String()), 0o644)
	var all []string
	for i := range 3 {
		out, err := exec.Command(binary, "watchlist", "--config", cfg, "--shard", fmt.Sprintf("%d/3", i), "--format", "json").Output()
		if err != nil {
			t.Fatalf("watchlist --shard %d/3: %v", i, err)
		}
		var l struct {
			Repos []struct {
				Repo string `json:"repo"`
			} `json:"repos"`
		}
		if err := json.Unmarshal(out, &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Repos) == 0 {
			t.Errorf("shard %d/3 watches nothing of 30", i)
		}
		for _, r := range l.Repos {
			if shard.Of(r.Repo, 3) != i {
				t.Errorf("shard %d/3 lists %s, which hashes to %d", i, r.Repo, shard.Of(r.Repo, 3))
			}
			all = append(all, r.Repo)
		}
	}
	sort.Strings(all)
	sort.Strings(want)
	if strings.Join(all, " ") != strings.Join(want, " ") {
		t.Errorf("the shards together watch %v, want each of %v once", all, want)
	}
	out, err := exec.Command(binary, "collect", "--config", cfg, "--shard", "3/3").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `--shard: shard "3/3": i must be between 0 and n-1 (2)`) {
		t.Errorf("bad --shard: %v\n%s", err, out)
	}
}
