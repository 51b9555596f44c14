package collectors_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// A first sync stores the issues and comments changed since the floor,
// and every issue still open however old (the backlog counts them), and
// its cursors say where it started, so that analysis knows what is
// missing before it.
func TestFirstSyncReadsBackToTheFloor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		history time.Duration
	}{
		{"default: the analysis' year and a month", 0},
		{"100 days", 100 * 24 * time.Hour},
		{"whole history", collectors.WholeHistory},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := testWorld()
			h := newHarness(t, w, githubfake.Options{})
			h.Env.IssueHistory = tt.history
			h.SyncAll(t)
			floor := issueFloor(tt.history)
			checkFloor(t, h, w, floor, floor)
		})
	}
}

// checkFloor checks that the store holds exactly what a read of w back to
// held gives, and that its cursors say floor.
func checkFloor(t *testing.T, h *harness, w *scenario.World, held, floor time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, r := range w.Repos {
		issues, comments := sinceFloor(r, held)
		var want []int
		for _, is := range r.Issues {
			if is.ClosedAt.IsZero() && is.MergedAt.IsZero() || slices.ContainsFunc(issues, func(i scenario.Issue) bool { return i.Number == is.Number }) {
				want = append(want, is.Number)
			}
		}
		stored, err := h.Store.Issues(ctx, r.FullName())
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, is := range stored {
			got = append(got, is.Number)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: stored issues %v, want %v (changed since %s, or open)", r.FullName(), got, want, held)
		}
		cs, err := h.Store.Comments(ctx, r.FullName())
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != len(comments) {
			t.Errorf("%s: stored %d comments, want the %d changed since %s", r.FullName(), len(cs), len(comments), held)
		}
		for _, ep := range []string{"issues", "comments"} {
			c, ok, err := h.Store.Cursor(ctx, r.FullName(), ep)
			if err != nil || !ok || !c.Floor.Equal(floor) {
				t.Errorf("%s %s: cursor %+v (%v, %v), want floor %s", r.FullName(), ep, c, ok, err, floor)
			}
		}
	}
}

// Asked for more history than its first sync read, a later sync reads the
// gap once and lowers the floor; asked for less, it keeps what it holds
// and the floor where it is (a floor never moves forward).
func TestMoreIssueHistoryIsReadOnce(t *testing.T) {
	t.Parallel()
	w := testWorld()
	h := newHarness(t, w, githubfake.Options{})
	short := 100 * 24 * time.Hour
	steps := []struct {
		name        string
		history     time.Duration
		held, floor time.Time // what the store holds, what its cursors say
		reads       bool      // issues or comments answered 200
	}{
		{"first sync, 100 days", short, issueFloor(short), issueFloor(short), true},
		{"the default, longer", 0, issueFloor(0), issueFloor(0), true},
		{"the same again", 0, issueFloor(0), issueFloor(0), false},
		{"the whole history", collectors.WholeHistory, time.Time{}, time.Time{}, true},
		{"100 days again: nothing is forgotten", short, time.Time{}, time.Time{}, false},
	}
	for _, st := range steps {
		h.Env.IssueHistory = st.history
		h.Fake.ResetCounts()
		for _, name := range []string{"issues", "comments"} {
			c, _ := collectors.Get(name)
			h.Runner.NoProbe = true // every step reads, as a forced refresh would
			if res, _ := h.Runner.Run(context.Background(), c, h.Repos); res.Err != nil {
				t.Fatalf("%s: %s: %v", st.name, name, res.Err)
			}
		}
		reads := h.Fake.Count("/repos/{owner}/{repo}/issues", http.StatusOK) + h.Fake.Count("/repos/{owner}/{repo}/issues/comments", http.StatusOK)
		if (reads > 0) != st.reads {
			t.Errorf("%s: %d pages read, want reads %v: %v", st.name, reads, st.reads, h.Fake.Requests())
		}
		t.Run(st.name, func(t *testing.T) { checkFloor(t, h, w, st.held, st.floor) })
	}
}
