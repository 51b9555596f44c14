package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSponsorsUpsert(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := Sponsors{Login: "MKessler", HasListing: true, Count: 5, Private: 2,
		GoalKind: "TOTAL_SPONSORS_COUNT", GoalTarget: 50, GoalPercent: 10, GoalTitle: "50 sponsors", CollectedAt: t0}
	must(t, s.UpsertSponsors(ctx, []Sponsors{mk, {Login: "acme", CollectedAt: t0}}))

	got, ok, err := s.SponsorsOf(ctx, "mkessler")
	if err != nil || !ok || !reflect.DeepEqual(got, mk) {
		t.Fatalf("SponsorsOf = %+v %v %v, want %+v", got, ok, err, mk)
	}
	// An older answer (a slow run finishing late) never replaces a newer one.
	stale := mk
	stale.Count, stale.Private, stale.CollectedAt = 1, 0, t0.Add(-time.Hour)
	must(t, s.UpsertSponsors(ctx, []Sponsors{stale}))
	if got, _, _ := s.SponsorsOf(ctx, "mkessler"); got.Count != 5 {
		t.Errorf("stale upsert replaced newer data: %+v", got)
	}
	// A newer one does, goal removal included.
	fresh := Sponsors{Login: "mkessler", HasListing: true, Count: 7, CollectedAt: t0.Add(time.Hour)}
	must(t, s.UpsertSponsors(ctx, []Sponsors{fresh}))
	if got, _, _ := s.SponsorsOf(ctx, "MKESSLER"); !reflect.DeepEqual(got, fresh) {
		t.Errorf("after newer upsert: %+v, want %+v", got, fresh)
	}
	all, err := s.AllSponsors(ctx)
	if err != nil || len(all) != 2 || all[0].Login != "acme" {
		t.Errorf("AllSponsors = %+v, %v", all, err)
	}
	if _, ok, _ := s.SponsorsOf(ctx, "nobody"); ok {
		t.Errorf("unknown login found")
	}

	for _, bad := range []Sponsors{
		{CollectedAt: t0},
		{Login: "x"},
		{Login: "x", Count: 1, Private: 2, CollectedAt: t0},
	} {
		if err := s.UpsertSponsors(ctx, []Sponsors{bad}); err == nil || !strings.Contains(err.Error(), "sponsors[0]") {
			t.Errorf("UpsertSponsors(%+v) = %v, want an error naming the row", bad, err)
		}
	}
}

func TestCommitAuthorLogins(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(t, s.UpsertCommits(ctx, []Commit{
		{Repo: "a/b", SHA: "1", AuthorLogin: "Old", AuthorTime: t0.AddDate(-2, 0, 0), CommitterLogin: "web-flow", CommitterTime: t0},
		{Repo: "a/b", SHA: "2", AuthorLogin: "New", AuthorTime: t0},
		{Repo: "a/b", SHA: "3", AuthorTime: t0},
	}))
	got, err := s.CommitAuthorLogins(ctx, t0.AddDate(-1, 0, 0))
	if err != nil || !reflect.DeepEqual(got, []string{"new"}) {
		t.Errorf("CommitAuthorLogins = %v, %v", got, err)
	}
}
