package store

import (
	"path/filepath"
	"testing"
	"time"
)

// Migration 11 adds the floor: cursors written before it were lists read
// from their beginning, and say so (no floor), keeping their position.
func TestMigrationCursorFloor(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := open(path, 10)
	must(t, err)
	_, err = old.db.Exec(`INSERT INTO cursors (repo_key, endpoint, repo, since, etag) VALUES ('o/r', 'issues', 'O/r', ?, 'W/"1"')`, t0.Unix())
	must(t, err)
	must(t, old.Close())

	s, err := Open(path)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	got, ok, err := s.Cursor(ctx, "o/r", "issues")
	must(t, err)
	want := Cursor{Repo: "O/r", Endpoint: "issues", Since: t0, ETag: `W/"1"`}
	if !ok || got != want {
		t.Errorf("cursor after migration: %+v %v, want %+v (no floor: read from the beginning)", got, ok, want)
	}
	integrityOK(t, s)
}

// The floor is written with a cursor's first row; moving the cursor never
// moves it, and LowerFloor moves it back only, bumping the repository's
// fact version when it does (windows before the old floor may now be
// computed).
func TestCursorFloor(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	floor := t0.AddDate(-1, 0, 0)
	version := func() int64 {
		t.Helper()
		v, err := s.FactVersions(ctx)
		must(t, err)
		return v["o/r"]
	}
	steps := []struct {
		name      string
		do        func() (moved bool, err error)
		wantMoved bool
		wantFloor time.Time
	}{
		{"first write", func() (bool, error) {
			return false, s.SetCursor(ctx, Cursor{Repo: "o/r", Endpoint: "issues", Since: floor, Floor: floor})
		}, false, floor},
		{"the cursor moves, without a floor", func() (bool, error) {
			return false, s.SetCursor(ctx, Cursor{Repo: "o/r", Endpoint: "issues", Since: t0})
		}, false, floor},
		{"the cursor moves, with a later floor", func() (bool, error) {
			return false, s.SetCursor(ctx, Cursor{Repo: "o/r", Endpoint: "issues", Since: t0, Floor: t0})
		}, false, floor},
		{"lowered to a later instant", func() (bool, error) { return s.LowerFloor(ctx, "o/r", "issues", t0) }, false, floor},
		{"lowered to the same instant", func() (bool, error) { return s.LowerFloor(ctx, "O/R", "issues", floor) }, false, floor},
		{"lowered", func() (bool, error) { return s.LowerFloor(ctx, "O/R", "issues", floor.AddDate(-1, 0, 0)) }, true, floor.AddDate(-1, 0, 0)},
		{"lowered to the beginning", func() (bool, error) { return s.LowerFloor(ctx, "o/r", "issues", time.Time{}) }, true, time.Time{}},
		{"lowered from the beginning", func() (bool, error) { return s.LowerFloor(ctx, "o/r", "issues", floor) }, false, time.Time{}},
		{"another endpoint, none", func() (bool, error) { return s.LowerFloor(ctx, "o/r", "comments", time.Time{}) }, false, time.Time{}},
	}
	for _, st := range steps {
		before := version()
		moved, err := st.do()
		must(t, err)
		c, ok, err := s.Cursor(ctx, "o/r", "issues")
		must(t, err)
		if !ok || !c.Floor.Equal(st.wantFloor) || moved != st.wantMoved {
			t.Errorf("%s: floor %v (moved %v), want %v (moved %v)", st.name, c.Floor, moved, st.wantFloor, st.wantMoved)
		}
		if st.wantMoved && version() == before {
			t.Errorf("%s: the floor moved but the fact version did not", st.name)
		}
	}
	if _, ok, _ := s.Cursor(ctx, "o/r", "comments"); ok {
		t.Error("LowerFloor created a cursor")
	}
}
