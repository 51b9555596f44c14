package collectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "users", Schedule: "@every 24h", Phase: PhasePeople,
		Help: "GitHub profiles (company, account type) and public organisations of active people, 50 a GraphQL query"}, users{})
}

// Only people active in the analysis's year window (Env.ActiveWindow) get
// their profile fetched: affiliation matters for current work.

// UsersBatch is how many profiles one query asks for. Each profile's
// organisations are a connection of up to 100, so a batch of 50 costs
// about one point (GitHub charges a query by the connections it implies):
// what REST took two requests a person for (/users/{u} and its /orgs).
const UsersBatch = 50

// UsersQuery is the query for a batch of n accounts, passed as variables
// $l0..$l{n-1}. repositoryOwner answers users and organisations alike,
// and null, without an error, for a login that is gone.
func UsersQuery(n int) string { return usersQuery.text(n) }

var usersQuery = batchQuery{
	name:     "Users",
	itemVars: func(i int) []string { return []string{fmt.Sprintf("$l%d: String!", i)} },
	field:    func(i int) string { return fmt.Sprintf("u%d: repositoryOwner(login: $l%d) { ...profile }", i, i) },
	fragment: `fragment profile on RepositoryOwner {
  __typename
  login
  ... on User {
    databaseId name company email location websiteUrl createdAt
    organizations(first: 100) { nodes { login } }
  }
  ... on Organization { databaseId name createdAt }
}
`,
}

// profile is one alias's answer.
type profile struct {
	Typename   string    `json:"__typename"`
	Login      string    `json:"login"`
	DatabaseID int64     `json:"databaseId"`
	Name       *string   `json:"name"`
	Company    *string   `json:"company"`
	Email      *string   `json:"email"`
	Location   *string   `json:"location"`
	WebsiteURL *string   `json:"websiteUrl"`
	CreatedAt  time.Time `json:"createdAt"`
	Orgs       *struct {
		Nodes []struct {
			Login string `json:"login"`
		} `json:"nodes"`
	} `json:"organizations"`
}

func (p profile) row() store.User {
	s := func(v *string) string {
		if v == nil {
			return ""
		}
		return *v
	}
	u := store.User{Login: p.Login, GitHubID: p.DatabaseID, Type: p.Typename, Name: s(p.Name), Company: s(p.Company),
		Email: s(p.Email), Location: s(p.Location), Blog: s(p.WebsiteURL), CreatedAt: p.CreatedAt.UTC()}
	if p.Orgs != nil {
		for _, o := range p.Orgs.Nodes {
			u.Orgs = append(u.Orgs, o.Login)
		}
	}
	return u
}

// sameProfile reports whether a and b say the same (FetchedAt aside).
func sameProfile(a, b store.User) bool {
	a.FetchedAt, b.FetchedAt = time.Time{}, time.Time{}
	return a.Login == b.Login && a.GitHubID == b.GitHubID && a.Type == b.Type && a.Name == b.Name &&
		a.Company == b.Company && a.Email == b.Email && a.Location == b.Location && a.Blog == b.Blog &&
		a.CreatedAt.Equal(b.CreatedAt) && slices.Equal(a.Orgs, b.Orgs)
}

// users refreshes the GitHub profiles (company, account type) and public
// organisation memberships of recently active people, 50 to a query. A
// profile that did not change is not written again, so the analysis'
// shared facts only move when someone's profile did.
type users struct{}

func (users) Name() string { return "users" }

func (users) Collect(ctx context.Context, env *Env, _ []ghrepo.Name, _ *Probe) Result {
	all, err := env.Store.ActiveLogins(ctx, env.activeSince())
	if err != nil {
		return Result{Err: err}
	}
	// GitHub Apps ("name[bot]") are no profile to read: GraphQL has no
	// user by that login, and the analysis knows them by the suffix.
	var logins []string
	for _, l := range all {
		if !strings.HasSuffix(strings.ToLower(l), "[bot]") {
			logins = append(logins, l)
		}
	}
	// Read again once a collection.people_refresh, new people at once.
	logins, err = duePeople(ctx, env, "users", logins)
	if err != nil {
		return Result{Err: err}
	}
	res := Result{Repos: len(logins)}
	var errs []error
	for start := 0; start < len(logins); start += UsersBatch {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		chunk := logins[start:min(start+UsersBatch, len(logins))]
		failed, err := collectUsersBatch(ctx, env, chunk)
		if errors.Is(err, ghclient.ErrBudgetReserved) {
			res.Deferred += failed
			continue
		}
		if err != nil {
			env.Log.Warn("user profiles batch failed", "logins", len(chunk), "failed", failed, "err", err)
			res.Failed += failed
			errs = append(errs, err)
		}
	}
	res.Err = errors.Join(errs...)
	return res
}

// collectUsersBatch asks about one batch and stores the profiles that
// changed. An account GitHub no longer knows (null) is skipped: what we
// knew stays. It returns how many logins of the batch failed.
func collectUsersBatch(ctx context.Context, env *Env, logins []string) (int, error) {
	vars := make(map[string]any, len(logins))
	for i, l := range logins {
		vars[fmt.Sprintf("l%d", i)] = l
	}
	var data map[string]json.RawMessage
	gerrs, err := env.GH.Query(ctx, "users", UsersQuery(len(logins)), vars, &data)
	if err != nil {
		return len(logins), err
	}
	failedAlias := map[string]bool{}
	var errs []error
	for _, e := range gerrs {
		if len(e.Path) == 0 {
			return len(logins), fmt.Errorf("user profiles: %w", e)
		}
		alias, _ := e.Path[0].(string)
		if e.Type == "NOT_FOUND" {
			continue
		}
		failedAlias[alias] = true
		errs = append(errs, fmt.Errorf("profile of %s: %w", aliasOf(alias, "u", logins), e))
	}
	prevs, err := env.Store.UsersByLogin(ctx, logins)
	if err != nil {
		return len(logins), err
	}
	at := env.clock().UTC()
	var rows []store.User
	for i, login := range logins {
		alias := fmt.Sprintf("u%d", i)
		raw, ok := data[alias]
		if failedAlias[alias] || !ok || string(raw) == "null" {
			continue
		}
		var p profile
		if err := json.Unmarshal(raw, &p); err != nil {
			failedAlias[alias] = true
			errs = append(errs, fmt.Errorf("profile of %s: %w", login, err))
			continue
		}
		if p.Login == "" {
			p.Login = login
		}
		row := p.row()
		if prev, known := prevs[strings.ToLower(login)]; known && sameProfile(prev, row) {
			continue
		}
		row.FetchedAt = at
		rows = append(rows, row)
	}
	// The changed profiles of the batch in one transaction.
	if err := env.Store.UpsertUsers(ctx, rows); err != nil {
		return len(logins), err
	}
	if err := env.Store.MarkPeopleRead(ctx, "users", answered(logins, "u", failedAlias), at); err != nil {
		return len(logins), err
	}
	return len(failedAlias), errors.Join(errs...)
}

// answered are the logins of a batch whose alias did not fail: read, even
// when GitHub no longer knows them (null).
func answered(logins []string, prefix string, failedAlias map[string]bool) []string {
	out := make([]string, 0, len(logins))
	for i, l := range logins {
		if !failedAlias[fmt.Sprintf("%s%d", prefix, i)] {
			out = append(out, l)
		}
	}
	return out
}

// aliasOf is the login an alias of a batch query asked about ("u3" with
// prefix "u" is logins[3]); the alias itself when it names none.
func aliasOf(alias, prefix string, logins []string) string {
	var i int
	if _, err := fmt.Sscanf(alias, prefix+"%d", &i); err == nil && i >= 0 && i < len(logins) {
		return logins[i]
	}
	return alias
}
