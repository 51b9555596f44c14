package githubfake

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestHorizon(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	day := func(n float64) time.Time { return base.Add(time.Duration(n * float64(24*time.Hour))) }
	// Day 21 noon: commits 0..85 (85*6h+1m = day 21.25 + 1m) are visible, issues
	// #1-#21; #20 was created on day 20 and is closed on day 22, so it is
	// still open; releases none (first on day 30).
	t0 := day(21.5)
	s.SetHorizon(t0)

	var commits []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/commits?per_page=100", 200, &commits)
	if len(commits) != 86 || commits[0]["sha"] != widgetSHA(s, 85) {
		t.Errorf("at t0: %d commits, newest %v; want 86, commit 85", len(commits), commits[0]["sha"])
	}

	var issues []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/issues?state=all&per_page=100", 200, &issues)
	if len(issues) != 21 || issues[0]["number"] != float64(21) {
		t.Fatalf("at t0: %d issues, newest #%v; want 21, #21", len(issues), issues[0]["number"])
	}
	byNum := map[float64]map[string]any{}
	for _, is := range issues {
		byNum[is["number"].(float64)] = is
	}
	// #20: closed on day 22 (after t0): open, no closed_at; bob's comment of
	// day 22 is not visible, alice's of day 20 is.
	if is := byNum[20]; is["state"] != "open" || is["closed_at"] != nil || is["comments"] != float64(1) ||
		is["updated_at"] != day(20).Add(time.Hour).Format(time.RFC3339) {
		t.Errorf("#20 at t0 = state %v closed_at %v comments %v updated_at %v", is["state"], is["closed_at"], is["comments"], is["updated_at"])
	}
	// #18 (a pull request) merged on day 20: visible.
	if pr := byNum[18]["pull_request"].(map[string]any); pr["merged_at"] != day(20).Format(time.RFC3339) {
		t.Errorf("#18 merged_at at t0 = %v", pr["merged_at"])
	}
	// #21 (a pull request, odd) is open; #19's bob comment was edited at
	// day 21.5 = t0: edit visible.
	if is := byNum[19]; is["updated_at"] != day(21.5).Format(time.RFC3339) || is["comments"] != float64(2) {
		t.Errorf("#19 at t0: updated_at %v comments %v", is["updated_at"], is["comments"])
	}

	var repo map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget", 200, &repo)
	// Open at t0: odd #1..#21 (11) plus #20 (closed later) = 12.
	if repo["open_issues_count"] != float64(12) || repo["pushed_at"] != commits[0]["commit"].(map[string]any)["committer"].(map[string]any)["date"] {
		t.Errorf("repo at t0: open_issues_count %v pushed_at %v", repo["open_issues_count"], repo["pushed_at"])
	}
	var rels []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/releases", 200, &rels)
	if len(rels) != 0 {
		t.Errorf("releases at t0: %d", len(rels))
	}
	var empty map[string]any
	getJSON(t, srv.URL+"/repos/acme/empty", 200, &empty)
	if empty["archived"] != false {
		t.Error("acme/empty archived before its ArchivedAt")
	}
	// carol's account is created on day 200.
	getJSON(t, srv.URL+"/users/carol", 404, nil)

	// Before the repository existed: 404.
	s.SetHorizon(base.Add(-2 * time.Hour))
	getJSON(t, srv.URL+"/repos/acme/widget", 404, nil)

	// Time passes: an incremental since query sees exactly the new work.
	s.SetHorizon(day(25))
	var newer []map[string]any
	getJSON(t, srv.URL+"/repos/acme/widget/issues?state=all&sort=updated&direction=asc&since="+t0.Format(time.RFC3339), 200, &newer)
	var nums []float64
	for _, is := range newer {
		nums = append(nums, is["number"].(float64))
	}
	// Updated at or after t0, as of day 25, oldest update first: #19 (edit
	// at 21.5), #20 (edit 22.5), #23 (alice 23+1h; bob's comment is on day
	// 25+2h, not yet), #21 (edit 23.5), #24 (alice 24+1h; closes on day 26),
	// #22 (edit 24.5), #25 (created day 25).
	want := []float64{19, 20, 23, 21, 24, 22, 25}
	if fmt.Sprint(nums) != fmt.Sprint(want) {
		t.Errorf("updated since t0 at day 25: %v, want %v", nums, want)
	}
}

// TestHorizonConcurrent swaps horizons while requests are in flight; run
// with -race to check the snapshot swap.
func TestHorizonConcurrent(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				resp, _ := get(t, srv.URL+"/repos/acme/widget/issues?state=all&page="+fmt.Sprint(i%3+1))
				if resp.StatusCode != 200 {
					t.Errorf("goroutine %d: status %d", g, resp.StatusCode)
				}
			}
		}()
	}
	for i := range 20 {
		s.SetHorizon(base.Add(time.Duration(i*10) * 24 * time.Hour))
	}
	wg.Wait()
}
