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
}

// sync brings the store up to date with one list endpoint.
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
	cur, _, err := env.Store.Cursor(ctx, l.repo, l.endpoint)
	if err != nil {
		return false, err
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
		return false, env.Store.SetCursor(ctx, store.Cursor{Repo: l.repo, Endpoint: l.endpoint, Since: cur.Since})
	}
	if err != nil {
		return false, fmt.Errorf("%s page 1: %w", l.endpoint, err)
	}
	if ghclient.NotModified(resp) {
		return false, nil
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

	next := store.Cursor{Repo: l.repo, Endpoint: l.endpoint, Since: cur.Since, ETag: etag}
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
	return true, env.Store.SetCursor(ctx, next)
}

func ts(t *github.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time.UTC()
}
