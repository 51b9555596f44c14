package collectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "sponsors", Schedule: "@every 24h", Phase: PhasePeople,
		Help: "GitHub Sponsors of owners and active maintainers (GraphQL)"}, sponsors{})
}

// SponsorsBatch is how many accounts one sponsors query asks about. Each
// account costs two connection requests, so 50 fill GitHub's 100-request
// point exactly: a batch costs 1 point whatever its size up to 50.
const SponsorsBatch = 50

// sponsors records the GitHub Sponsors facts (listing, sponsor counts with
// private ones, active goal) of every watched repository's owner and of
// everyone who authored a commit in the last year. Sponsors exist only in
// GraphQL; many accounts are asked in one aliased query.
type sponsors struct{}

func (sponsors) Name() string { return "sponsors" }

// SponsorsQuery is the query for a batch of n accounts, passed as
// variables $l0..$l{n-1}. The text depends only on n, so a test can check
// every query the collector can send against GitHub's schema.
// repositoryOwner (not user/organization) covers both kinds of account in
// one field and answers null, without an error, for a login that is gone.
func SponsorsQuery(n int) string { return sponsorsQuery.text(n) }

var sponsorsQuery = batchQuery{
	name:     "Sponsors",
	itemVars: func(i int) []string { return []string{fmt.Sprintf("$l%d: String!", i)} },
	field:    func(i int) string { return fmt.Sprintf("o%d: repositoryOwner(login: $l%d) { ...sponsorable }", i, i) },
	fragment: `fragment sponsorable on RepositoryOwner {
  __typename
  login
  ... on Sponsorable {
    hasSponsorsListing
    sponsorsListing { isPublic activeGoal { kind targetValue percentComplete title } }
    sponsors(first: 1) { totalCount }
    sponsorshipsAsMaintainer(first: 1, includePrivate: true) { totalCount }
  }
}
`,
}

// sponsorable is one alias's answer.
type sponsorable struct {
	Typename           string `json:"__typename"`
	Login              string `json:"login"`
	HasSponsorsListing bool   `json:"hasSponsorsListing"`
	SponsorsListing    *struct {
		IsPublic   bool `json:"isPublic"`
		ActiveGoal *struct {
			Kind            string `json:"kind"`
			TargetValue     int    `json:"targetValue"`
			PercentComplete int    `json:"percentComplete"`
			Title           string `json:"title"`
		} `json:"activeGoal"`
	} `json:"sponsorsListing"`
	// Sponsors counts the sponsors anyone can see; the includePrivate
	// sponsorships count adds the private ones.
	Sponsors struct {
		TotalCount int `json:"totalCount"`
	} `json:"sponsors"`
	SponsorshipsAsMaintainer struct {
		TotalCount int `json:"totalCount"`
	} `json:"sponsorshipsAsMaintainer"`
}

func (s sponsorable) row(at time.Time) store.Sponsors {
	all := max(s.SponsorshipsAsMaintainer.TotalCount, s.Sponsors.TotalCount)
	r := store.Sponsors{
		Login:       s.Login,
		HasListing:  s.HasSponsorsListing,
		Count:       all,
		Private:     all - s.Sponsors.TotalCount,
		CollectedAt: at,
	}
	if l := s.SponsorsListing; l != nil && l.ActiveGoal != nil {
		g := l.ActiveGoal
		r.GoalKind, r.GoalTarget, r.GoalPercent, r.GoalTitle = g.Kind, g.TargetValue, g.PercentComplete, g.Title
	}
	return r
}

func (sp sponsors) Collect(ctx context.Context, env *Env, repos []ghrepo.Name, _ *Probe) Result {
	logins, err := sponsorLogins(ctx, env, repos)
	if err != nil {
		return Result{Err: err}
	}
	// Read again once a collection.people_refresh, new accounts at once.
	logins, err = duePeople(ctx, env, "sponsors", logins)
	if err != nil {
		return Result{Err: err}
	}
	res := Result{Repos: len(logins)}
	var errs []error
	for start := 0; start < len(logins); start += SponsorsBatch {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		chunk := logins[start:min(start+SponsorsBatch, len(logins))]
		failed, err := collectSponsorsBatch(ctx, env, chunk)
		if errors.Is(err, ghclient.ErrBudgetReserved) {
			res.Deferred += failed
			continue
		}
		if err != nil {
			env.Log.Warn("sponsors batch failed", "logins", len(chunk), "failed", failed, "err", err)
			res.Failed += failed
			errs = append(errs, err)
		}
	}
	res.Err = errors.Join(errs...)
	return res
}

// sponsorLogins are the owners of the watched repositories and the
// people who authored a commit in the active window, lower-cased, sorted
// and without bots (GitHub Apps cannot be sponsored).
func sponsorLogins(ctx context.Context, env *Env, repos []ghrepo.Name) ([]string, error) {
	authors, err := env.Store.CommitAuthorLogins(ctx, env.activeSince())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	add := func(l string) {
		l = strings.ToLower(l)
		if l == "" || strings.HasSuffix(l, "[bot]") || seen[l] {
			return
		}
		seen[l] = true
		out = append(out, l)
	}
	for _, r := range repos {
		add(r.Owner)
	}
	for _, a := range authors {
		add(a)
	}
	return out, nil
}

// collectSponsorsBatch asks about one batch and stores what came back.
// Accounts GitHub no longer knows (null) are skipped: what we knew stays.
// It returns how many logins of the batch failed.
func collectSponsorsBatch(ctx context.Context, env *Env, logins []string) (int, error) {
	vars := make(map[string]any, len(logins))
	for i, l := range logins {
		vars[fmt.Sprintf("l%d", i)] = l
	}
	var data map[string]json.RawMessage
	gerrs, err := env.GH.Query(ctx, "sponsors", SponsorsQuery(len(logins)), vars, &data)
	if err != nil {
		return len(logins), err
	}
	// Errors tied to one alias fail that account only; others the batch.
	failedAlias := map[string]bool{}
	var errs []error
	for _, e := range gerrs {
		if len(e.Path) == 0 {
			return len(logins), fmt.Errorf("sponsors: %w", e)
		}
		alias, _ := e.Path[0].(string)
		if e.Type == "NOT_FOUND" {
			continue
		}
		failedAlias[alias] = true
		errs = append(errs, fmt.Errorf("sponsors of %s: %w", aliasOf(alias, "o", logins), e))
	}
	at := env.clock().UTC()
	rows := make([]store.Sponsors, 0, len(logins))
	for i := range logins {
		alias := fmt.Sprintf("o%d", i)
		raw, ok := data[alias]
		if failedAlias[alias] || !ok || string(raw) == "null" {
			continue
		}
		var s sponsorable
		if err := json.Unmarshal(raw, &s); err != nil {
			failedAlias[alias] = true
			errs = append(errs, fmt.Errorf("sponsors of %s: %w", logins[i], err))
			continue
		}
		if s.Login == "" {
			s.Login = logins[i]
		}
		rows = append(rows, s.row(at))
	}
	if err := env.Store.UpsertSponsors(ctx, rows); err != nil {
		return len(logins), err
	}
	if err := env.Store.MarkPeopleRead(ctx, "sponsors", answered(logins, "o", failedAlias), at); err != nil {
		return len(logins), err
	}
	return len(failedAlias), errors.Join(errs...)
}
