package watchlist

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

// perPage is GitHub's largest page: the fewest requests per account.
const perPage = 100

// page is one cached page of an account listing.
type page struct {
	etag  string
	repos []brief
	next  int
}

// brief is what the watch list needs of a listed repository.
type brief struct {
	name           ghrepo.Name
	fork, archived bool
	invalid        bool
}

// account lists the repositories of the organisation or user it.Account,
// keeping forks and archived ones only when the item asks for them.
//
// The account is tried as an organisation first (GET /orgs/{org}/repos,
// every repository it owns) and on 404 as a user (GET
// /users/{username}/repos?type=owner); which one answered is remembered.
// Every page is requested with the ETag of its last answer, so an
// unchanged account costs one 304 per page, which GitHub does not count
// against the rate limit.
//
// When GitHub cannot list the account now, the last complete listing kept
// in r.Listings stands in for it, warning says so and standIn is true.
func (r *Resolver) account(ctx context.Context, it config.WatchItem) (repos []ghrepo.Name, warning string, standIn bool, err error) {
	if r.GH == nil {
		return nil, "", false, errors.New("listing an account's repositories needs the GitHub API, and none is configured")
	}
	acct := strings.ToLower(it.Account)
	r.mu.Lock()
	kind := r.kinds[acct]
	r.mu.Unlock()
	var all []brief
	switch kind {
	case "users":
		all, err = r.listing(ctx, "users", it.Account)
	default:
		all, err = r.listing(ctx, "orgs", it.Account)
		kind = "orgs"
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusNotFound {
			all, err = r.listing(ctx, "users", it.Account)
			kind = "users"
		}
	}
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusNotFound {
			return nil, "", false, fmt.Errorf("no GitHub organisation or user %q", it.Account)
		}
		err = fmt.Errorf("listing the repositories of %s: %w", it.Account, err)
		// GitHub cannot list it now (unreachable, the budget spent):
		// the last complete listing stands in, rather than dropping the
		// account's repositories from the watch list.
		last, ok, lerr := r.lastListing(ctx, it.Account)
		if lerr != nil {
			return nil, "", false, fmt.Errorf("%w; its last listing cannot be read either: %w", err, lerr)
		}
		if !ok {
			return nil, "", false, err
		}
		warning = fmt.Sprintf("%v; using its last listing, of %s", err, last.ListedAt.Format(time.RFC3339))
		all = nil
		for _, lr := range last.Repos {
			n, perr := ghrepo.Parse(lr.Name)
			all = append(all, brief{name: n, fork: lr.Fork, archived: lr.Archived, invalid: perr != nil})
		}
		return filterListing(all, it), warning, true, nil
	}
	if werr := r.saveListing(ctx, it.Account, all); werr != nil {
		warning = fmt.Sprintf("keeping the listing of %s for when GitHub cannot give it: %v", it.Account, werr)
	}
	r.mu.Lock()
	if r.kinds == nil {
		r.kinds = map[string]string{}
	}
	r.kinds[acct] = kind
	r.mu.Unlock()
	return filterListing(all, it), warning, false, nil
}

// filterListing keeps the listed repositories the item asks for.
func filterListing(all []brief, it config.WatchItem) []ghrepo.Name {
	var out []ghrepo.Name
	for _, b := range all {
		switch {
		case b.invalid:
			continue // GitHub never lists a name ghrepo rejects; a corrupt answer is not a repository
		case b.fork && !it.Forks, b.archived && !it.Archived:
			continue
		}
		out = append(out, b.name)
	}
	return out
}

// saveListing keeps a complete listing of account in r.Listings.
func (r *Resolver) saveListing(ctx context.Context, account string, all []brief) error {
	if r.Listings == nil {
		return nil
	}
	l := store.AccountListing{Account: account, ListedAt: time.Now().UTC(), Repos: []store.ListedRepo{}}
	for _, b := range all {
		if !b.invalid {
			l.Repos = append(l.Repos, store.ListedRepo{Name: b.name.String(), Fork: b.fork, Archived: b.archived})
		}
	}
	return r.Listings.SetAccountListing(ctx, l)
}

// lastListing is the last complete listing of account r.Listings keeps;
// false when there is none.
func (r *Resolver) lastListing(ctx context.Context, account string) (store.AccountListing, bool, error) {
	if r.Listings == nil {
		return store.AccountListing{}, false, nil
	}
	return r.Listings.AccountListingOf(ctx, account)
}

// listing reads every page of /{kind}/{account}/repos, conditionally.
func (r *Resolver) listing(ctx context.Context, kind, acct string) ([]brief, error) {
	var all []brief
	for n := 1; n != 0; {
		key := fmt.Sprintf("%s/%s/repos?page=%d", kind, strings.ToLower(acct), n)
		r.mu.Lock()
		cached, have := r.pages[key]
		r.mu.Unlock()
		etag := ""
		if have {
			etag = cached.etag
		}
		lo := github.ListOptions{PerPage: perPage, Page: n}
		repos, resp, err := ghclient.Call(ctx, r.GH, ghclient.Req{What: kind + " repositories", ETag: etag},
			func(ctx context.Context) ([]*github.Repository, *github.Response, error) {
				if kind == "orgs" {
					return r.GH.Repositories.ListByOrg(ctx, acct, &github.RepositoryListByOrgOptions{Type: "all", ListOptions: lo})
				}
				return r.GH.Repositories.ListByUser(ctx, acct, &github.RepositoryListByUserOptions{Type: "owner", ListOptions: lo})
			})
		if have && ghclient.NotModified(resp) {
			all = append(all, cached.repos...)
			n = cached.next
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", n, err)
		}
		p := page{etag: ghclient.ETagOf(resp), next: resp.NextPage}
		for _, repo := range repos {
			b := brief{fork: repo.GetFork(), archived: repo.GetArchived()}
			name, perr := ghrepo.Parse(repo.GetFullName())
			if perr != nil {
				b.invalid = true
			}
			b.name = name
			p.repos = append(p.repos, b)
		}
		if p.etag != "" {
			r.mu.Lock()
			if r.pages == nil {
				r.pages = map[string]page{}
			}
			r.pages[key] = p
			r.mu.Unlock()
		}
		all = append(all, p.repos...)
		n = p.next
	}
	return all, nil
}
