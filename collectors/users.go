package collectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "users", Schedule: "@every 24h", Phase: PhasePeople,
		Help: "GitHub profiles (company, account type) and public organisations of active people"}, users{})
}

// Only people active in the analysis's year window (Env.ActiveWindow) get
// their profile fetched: affiliation matters for current work, and looking
// up everyone who ever committed would cost a request per person per run.

// users refreshes the GitHub profiles (company, account type) and public
// organisation memberships of recently active people. Every GET is
// conditional, so an unchanged profile costs no quota.
type users struct{}

func (users) Name() string { return "users" }

func (users) Collect(ctx context.Context, env *Env, _ []ghrepo.Name, _ *Probe) Result {
	logins, err := env.Store.ActiveLogins(ctx, env.activeSince())
	if err != nil {
		return Result{Err: err}
	}
	workers := env.Concurrency
	if workers < 1 {
		workers = 4
	}
	var (
		mu   sync.Mutex
		res  = Result{Repos: len(logins)}
		errs []error
		wg   sync.WaitGroup
		next = make(chan string)
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for login := range next {
				err := collectUser(ctx, env, login)
				if errors.Is(err, ghclient.ErrBudgetReserved) {
					mu.Lock()
					res.Deferred++
					mu.Unlock()
					continue
				}
				if err != nil {
					env.Log.Warn("user profile refresh failed", "login", login, "err", err)
					mu.Lock()
					res.Failed++
					errs = append(errs, fmt.Errorf("user %s: %w", login, err))
					mu.Unlock()
				}
			}
		}()
	}
	for _, l := range logins {
		if ctx.Err() != nil {
			break
		}
		next <- l
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	res.Err = errors.Join(errs...)
	return res
}

func collectUser(ctx context.Context, env *Env, login string) error {
	key := "user:" + strings.ToLower(login)
	etag, _, err := env.Store.ETag(ctx, key)
	if err != nil {
		return err
	}
	u, resp, err := ghclient.Call(ctx, env.GH, ghclient.Req{What: "user", ETag: etag}, func(ctx context.Context) (*github.User, *github.Response, error) {
		return env.GH.Users.Get(ctx, login)
	})
	if ghclient.StatusOf(resp) == http.StatusNotFound {
		// A deleted or renamed account: what we knew stays; nothing to refresh.
		return nil
	}
	if err != nil {
		return err
	}
	prev, known, err := env.Store.User(ctx, login)
	if err != nil {
		return err
	}
	row := prev
	if !ghclient.NotModified(resp) {
		row = store.User{
			Login:     u.GetLogin(),
			GitHubID:  u.GetID(),
			Type:      u.GetType(),
			Name:      u.GetName(),
			Company:   u.GetCompany(),
			Email:     u.GetEmail(),
			Location:  u.GetLocation(),
			Blog:      u.GetBlog(),
			CreatedAt: ts(u.CreatedAt),
			Orgs:      prev.Orgs,
		}
	} else if !known {
		// A 304 for a profile we do not hold (the store was reset but
		// the ETag survived) must not leave us without it.
		if err := env.Store.SetETag(ctx, key, ""); err != nil {
			return err
		}
		return collectUser(ctx, env, login)
	}

	orgsChanged := false
	var orgsETag string
	if row.Type != "Bot" {
		okey := "user-orgs:" + strings.ToLower(login)
		oetag, _, err := env.Store.ETag(ctx, okey)
		if err != nil {
			return err
		}
		orgs, oresp, err := ghclient.Call(ctx, env.GH, ghclient.Req{What: "user orgs", ETag: oetag}, func(ctx context.Context) ([]*github.Organization, *github.Response, error) {
			return env.GH.Organizations.List(ctx, login, &github.ListOptions{PerPage: perPage})
		})
		if err != nil {
			return fmt.Errorf("orgs: %w", err)
		}
		if !ghclient.NotModified(oresp) {
			orgsChanged, orgsETag = true, ghclient.ETagOf(oresp)
			row.Orgs = row.Orgs[:0:0]
			for _, o := range orgs {
				row.Orgs = append(row.Orgs, o.GetLogin())
			}
		}
		defer func() {
			if orgsChanged {
				_ = env.Store.SetETag(ctx, okey, orgsETag)
			}
		}()
	}
	if ghclient.NotModified(resp) && !orgsChanged {
		return nil
	}
	row.FetchedAt = time.Now().UTC()
	if err := env.Store.UpsertUser(ctx, row); err != nil {
		orgsChanged = false // keep the old validator so the next run re-reads
		return err
	}
	if !ghclient.NotModified(resp) {
		return env.Store.SetETag(ctx, key, ghclient.ETagOf(resp))
	}
	return nil
}
