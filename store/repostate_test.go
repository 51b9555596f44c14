package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRepoState(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if st, err := s.RepoStateOf(ctx, "acme/widget"); err != nil || st != (RepoState{Repo: "acme/widget"}) {
		t.Fatalf("unknown repo: %+v, %v", st, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SetRepoGone(ctx, "acme/widget", GoneNotFound, t0))
	must(s.SetRepoGone(ctx, "ACME/widget", GoneNotFound, t0.Add(time.Hour))) // still gone: the first sighting stays
	must(s.SetRepoRenamed(ctx, "old/name", "new/name"))
	sts, err := s.RepoStates(ctx)
	must(err)
	want := []RepoState{{Repo: "ACME/widget", Gone: GoneNotFound, GoneSince: t0}, {Repo: "old/name", RenamedTo: "new/name"}}
	if len(sts) != 2 || sts[0] != want[0] || sts[1] != want[1] {
		t.Fatalf("states %+v, want %+v", sts, want)
	}
	must(s.SetRepoGone(ctx, "acme/widget", GoneBlocked, t0.Add(2*time.Hour))) // a new reason starts anew
	if st, _ := s.RepoStateOf(ctx, "acme/widget"); st.Gone != GoneBlocked || !st.GoneSince.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("after 451: %+v", st)
	}
	if err := s.SetRepoGone(ctx, "acme/widget", "vanished", t0); err == nil {
		t.Error("an unknown reason was accepted")
	}
	var dump bytes.Buffer
	must(s.Dump(ctx, &dump))
	if !strings.Contains(dump.String(), "# repo_state (repo_key, repo, gone, renamed_to)\n") || !strings.Contains(dump.String(), `"blocked"`) {
		t.Errorf("dump lacks the repository states:\n%s", dump.String())
	}
	// Served again and not renamed: nothing is left, as if it never left.
	must(s.SetRepoGone(ctx, "acme/widget", "", t0))
	must(s.SetRepoRenamed(ctx, "old/name", ""))
	if sts, _ := s.RepoStates(ctx); len(sts) != 0 {
		t.Errorf("states after recovery: %+v", sts)
	}
	if c, _ := s.Counts(ctx); c["repo_state"] != 0 {
		t.Errorf("%d rows left in repo_state", c["repo_state"])
	}
}
