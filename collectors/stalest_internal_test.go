package collectors

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func TestStalestFirst(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	env := &Env{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	record := func(repo, collector string, at time.Time, err error) {
		if rerr := st.RecordRepoAttempt(ctx, repo, collector, at, err); rerr != nil {
			t.Fatal(rerr)
		}
	}
	record("a/fresh", "commits", t0.Add(3*time.Hour), nil)
	record("a/old", "commits", t0, nil)
	record("A/Failing", "commits", t0.Add(time.Hour), nil)
	record("a/failing", "commits", t0.Add(5*time.Hour), errors.New("502")) // last success stays at +1h
	record("a/other", "issues", t0, nil)                                   // another collector's: never for commits
	var repos []ghrepo.Name
	for _, n := range []string{"a/fresh", "a/old", "a/failing", "a/other", "a/never"} {
		repos = append(repos, ghrepo.MustParse(n))
	}
	got := stalestFirst(ctx, env, "commits", repos)
	want := []string{"a/other", "a/never", "a/old", "a/failing", "a/fresh"}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	if repos[0].String() != "a/fresh" {
		t.Error("the caller's slice was reordered")
	}
}
