package collectors

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/store"
)

// perPage is GitHub's maximum page size: fewer requests for the same data.
const perPage = 100

// list describes one incremental GitHub list endpoint of a repository.
type list[T any] struct {
	repo     string
	endpoint string // cursor name, e.g. "commits"
	// fetch asks for one page of items changed at/after since (zero = all).
	// The list must be ordered most recently changed first, so that any
	// change shows on page 1 and the page-1 ETag is a sound change probe.
	fetch func(ctx context.Context, since time.Time, page int) ([]T, *github.Response, error)
	// stamp is the time the endpoint's `since` filters on; nil when the
	// endpoint has no `since` (the cursor then only keeps the ETag).
	stamp func(T) time.Time
	// save writes one page of items to the store, idempotently.
	save func(ctx context.Context, items []T) error
	// overlap re-reads a margin before the newest stamp, for items that
	// arrive late with older times (e.g. pushes of older local commits).
	overlap time.Duration
	// emptyOn is the status with which GitHub says the list is empty
	// rather than listing nothing: 409 for the commits of an empty
	// repository, 410 for the issues of a repository that disabled them.
	// 0 when the endpoint has none.
	emptyOn int
	// floor is where a first sync starts (its `since`; zero: the
	// beginning of the list). It is recorded with the cursor, so that
	// analysis knows what changed before it is missing rather than
	// absent. When a later sync is given an earlier floor (the user asked
	// for more history), the gap is read once (see deepen). Only lists
	// with a stamp have one.
	floor time.Time
	// firstSync, when set, runs after a first sync from a non-zero floor
	// read its pages and before its cursor is written: it reads what the
	// floor leaves out that the analysis needs of every age (the issues
	// still open). An error leaves the cursor unwritten, so the next sync
	// is a first sync again.
	firstSync func(ctx context.Context) error
}

// sync brings the store up to date with one list endpoint.
//
// A first sync (no cursor yet) asks for what changed since the floor, and
// the cursor it writes records that floor.
//
// The cursor keeps `since` and the ETag of page 1 of exactly that request.
// An unchanged list therefore costs one conditional request answered 304,
// which spends no quota. When the list changed, every page is read and
// stored. When that took more than one page, the cursor moves to the
// newest stamp minus the overlap, and the first page of the moved request
// is fetched once more so that the next sync has its ETag; a change that
// fit on one page leaves the cursor where it was (see below). The cursor is written only after the data, so a crash
// in between re-reads (idempotently) rather than skips.
func (l list[T]) sync(ctx context.Context, env *Env) (changed bool, err error) {
	cur, ok, err := env.Store.Cursor(ctx, l.repo, l.endpoint)
	if err != nil {
		return false, err
	}
	first := !ok
	switch {
	case first:
		// A first sync reads back to the floor, not necessarily the
		// whole list, and says so in the cursor it writes.
		cur = store.Cursor{Since: l.floor, Floor: l.floor}
	case !cur.Floor.IsZero() && cur.Floor.After(l.floor):
		if err := l.deepen(ctx, env, cur.Floor); err != nil {
			return true, err
		}
		changed = true
	}
	var newest time.Time
	note := func(items []T) {
		if l.stamp == nil {
			return
		}
		for _, it := range items {
			if t := l.stamp(it); t.After(newest) {
				newest = t
			}
		}
	}
	page := func(ctx context.Context, etag string, since time.Time, n int) ([]T, *github.Response, error) {
		return ghclient.Call(ctx, env.GH, ghclient.Req{What: l.endpoint, ETag: etag}, func(ctx context.Context) ([]T, *github.Response, error) {
			return l.fetch(ctx, since, n)
		})
	}

	items, resp, err := page(ctx, cur.ETag, cur.Since, 1)
	if err != nil && l.emptyOn != 0 && ghclient.StatusOf(resp) == l.emptyOn {
		// Nothing to read, which is an answer: the list is complete
		// (and empty). Anything stored before stays; the cursor keeps
		// no validator, since GitHub gives none for this answer.
		return changed, env.Store.SetCursor(ctx, store.Cursor{Repo: l.repo, Endpoint: l.endpoint, Since: cur.Since, Floor: cur.Floor})
	}
	if err != nil {
		return changed, fmt.Errorf("%s page 1: %w", l.endpoint, err)
	}
	if ghclient.NotModified(resp) {
		return changed, nil
	}
	etag := ghclient.ETagOf(resp)
	if err := l.save(ctx, items); err != nil {
		return true, err
	}
	note(items)
	pages := 1
	for n := resp.NextPage; n != 0; pages++ {
		items, resp, err := page(ctx, "", cur.Since, n)
		if err != nil {
			return true, fmt.Errorf("%s page %d: %w", l.endpoint, n, err)
		}
		if err := l.save(ctx, items); err != nil {
			return true, err
		}
		note(items)
		n = resp.NextPage
	}

	next := store.Cursor{Repo: l.repo, Endpoint: l.endpoint, Since: cur.Since, ETag: etag, Floor: cur.Floor}
	// When everything since the cursor fit on page 1, the cursor stays
	// where it is, with the ETag just received: the next sync asks the
	// same question, free when nothing changed, and still one page when
	// something did. Moving it would cost a priming request now for no
	// saving later. Only a window that outgrew one page moves.
	if !newest.IsZero() && pages > 1 {
		if s := newest.Add(-l.overlap).Truncate(time.Second); s.After(cur.Since) {
			items, resp, err := page(ctx, "", s, 1)
			if err != nil {
				return true, fmt.Errorf("%s priming since %s: %w", l.endpoint, s.Format(time.RFC3339), err)
			}
			if err := l.save(ctx, items); err != nil {
				return true, err
			}
			next.Since, next.ETag = s, ghclient.ETagOf(resp)
		}
	}
	if first && !cur.Floor.IsZero() && l.firstSync != nil {
		if err := l.firstSync(ctx); err != nil {
			return true, err
		}
	}
	return true, env.Store.SetCursor(ctx, next)
}

// deepen reads the list back to l.floor, earlier than the floor its first
// sync started from (was), and lowers the stored floor to it: the user
// asked for more history (collection.issue_history) after that sync. It is
// a backfill, paid once: everything changed since l.floor is read, most
// recently changed first (a change made meanwhile moves an item to the
// front, so pages shift back and repeat an item rather than skip one; the
// list has no "until" to ask for the gap alone). A failure leaves the floor
// where it was, honest, and the next sync tries again. Items still open but
// unchanged since l.floor need no read: they were open and unchanged since
// the old floor too, and the first sync read those (firstSync).
func (l list[T]) deepen(ctx context.Context, env *Env, was time.Time) error {
	env.Log.Info("reading more history than the first sync did", "repo", l.repo, "list", l.endpoint,
		"from", floorText(l.floor), "was", floorText(was))
	resp, err := readAll(ctx, env, l.endpoint, func(ctx context.Context, page int) ([]T, *github.Response, error) {
		return l.fetch(ctx, l.floor, page)
	}, l.save)
	if err != nil && l.emptyOn != 0 && ghclient.StatusOf(resp) == l.emptyOn {
		err = nil // nothing to read: an empty list has all its history
	}
	if err != nil {
		return fmt.Errorf("%s back to %s: %w", l.endpoint, floorText(l.floor), err)
	}
	_, err = env.Store.LowerFloor(ctx, l.repo, l.endpoint, l.floor)
	return err
}

// floorText says where a floor is, for people.
func floorText(floor time.Time) string {
	if floor.IsZero() {
		return "the beginning"
	}
	return floor.Format(time.DateOnly)
}

// readAll reads every page of one list request and saves each. On failure
// it returns the failing page's response too, for its status.
func readAll[T any](ctx context.Context, env *Env, what string, fetch func(ctx context.Context, page int) ([]T, *github.Response, error), save func(ctx context.Context, items []T) error) (*github.Response, error) {
	for n := 1; n != 0; {
		items, resp, err := ghclient.Call(ctx, env.GH, ghclient.Req{What: what}, func(ctx context.Context) ([]T, *github.Response, error) {
			return fetch(ctx, n)
		})
		if err != nil {
			return resp, fmt.Errorf("page %d: %w", n, err)
		}
		if err := save(ctx, items); err != nil {
			return resp, err
		}
		n = resp.NextPage
	}
	return nil, nil
}

func ts(t *github.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time.UTC()
}
