package collectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/fundwatch/fundwatch/ghclient"
	"github.com/fundwatch/fundwatch/ghrepo"
	"github.com/fundwatch/fundwatch/store"
)

func init() {
	register(Spec{Name: "repo", Schedule: "@every 1h", Phase: PhaseRepositories,
		Help: "repository metadata (stars, forks, archived, license, owner) and FUNDING.yml",
		fingerprint: func(p probed) string {
			return "pushed=" + p.pushed() + " updated=" + p.updated() + " stars=" + strconv.Itoa(p.StargazerCount)
		}}, perRepo{name: "repo", fn: collectRepo})
}

// fundingPath is where GitHub reads a repository's funding links from.
const fundingPath = ".github/FUNDING.yml"

// collectRepo refreshes repository metadata and, when it changed, the
// FUNDING.yml file. The metadata GET is conditional: pushed_at moves with
// every push, so a 304 also proves FUNDING.yml is unchanged and saves the
// contents request.
func collectRepo(ctx context.Context, env *Env, name ghrepo.Name, probe *Probe) error {
	key := "repo:" + name.Key()
	etag, _, err := env.Store.ETag(ctx, key)
	if err != nil {
		return err
	}
	r, resp, err := ghclient.Call(ctx, env.GH, ghclient.Req{What: "repo", ETag: etag}, func(ctx context.Context) (*github.Repository, *github.Response, error) {
		return env.GH.Repositories.Get(ctx, name.Owner, name.Repo)
	})
	if err != nil {
		return fmt.Errorf("get repository: %w", err)
	}
	if ghclient.NotModified(resp) {
		return nil
	}
	current, err := noteRename(ctx, env, name, r.GetFullName())
	if err != nil {
		return err
	}
	row := store.Repo{
		FullName:      name.String(),
		GitHubID:      r.GetID(),
		Description:   r.GetDescription(),
		Stars:         r.GetStargazersCount(),
		Forks:         r.GetForksCount(),
		Watchers:      r.GetSubscribersCount(),
		OpenIssues:    r.GetOpenIssuesCount(),
		Archived:      r.GetArchived(),
		Disabled:      r.GetDisabled(),
		Fork:          r.GetFork(),
		DefaultBranch: r.GetDefaultBranch(),
		License:       r.GetLicense().GetSPDXID(),
		OwnerType:     r.GetOwner().GetType(),
		Language:      r.GetLanguage(),
		CreatedAt:     ts(r.CreatedAt),
		PushedAt:      ts(r.PushedAt),
		UpdatedAt:     ts(r.UpdatedAt),
		CollectedAt:   env.clock().UTC(),
	}
	if row.License == "NOASSERTION" {
		row.License = ""
	}
	// Keep the previous FUNDING.yml if it cannot be read now: a failed
	// request must not look like a removed file.
	prev, hadPrev, perr := env.Store.Repo(ctx, name.String())
	if perr == nil && hadPrev {
		row.FundingYML, row.HasFundingYML = prev.FundingYML, prev.HasFundingYML
	}
	// The change probe saw the file's blob ID: read the file only when
	// it differs from the one last read (and not at all when there is
	// none). Without a probe, read it whenever the metadata changed.
	seen, probed := probe.saw(name)
	// When it was archived: only GraphQL (the probe) says; a run without
	// a probe keeps the date known before.
	switch {
	case !row.Archived:
	case probed && seen.ArchivedAt != nil:
		row.ArchivedAt = seen.ArchivedAt.UTC()
	case perr == nil && hadPrev && prev.Archived:
		row.ArchivedAt = prev.ArchivedAt
	}
	mark, ferr := "", error(nil)
	if probed {
		mark = seen.fundingMark()
	}
	readFile := true
	switch {
	case !probed:
	case mark == "none":
		row.FundingYML, row.HasFundingYML, readFile = "", false, false
	default:
		prev, ok, err := env.Store.ProbeMarkOf(ctx, name.String(), fundingMarkName)
		readFile = err != nil || !ok || prev.Fingerprint != mark
	}
	if readFile {
		var (
			yml   string
			found bool
		)
		yml, found, ferr = fundingFile(ctx, env, current)
		if ferr == nil {
			row.FundingYML, row.HasFundingYML = yml, found
		}
	}
	if err := env.Store.UpsertRepo(ctx, row); err != nil {
		return err
	}
	if ferr != nil {
		// Metadata is stored; the ETag is not, so the next run retries.
		noteRefresh(ctx, env, name, fundingMarkName, "", ferr)
		return fmt.Errorf("read %s: %w", fundingPath, ferr)
	}
	noteRefresh(ctx, env, name, fundingMarkName, mark, nil)
	return env.Store.SetETag(ctx, key, ghclient.ETagOf(resp))
}

// fundingMarkName keys the probe mark holding the FUNDING.yml blob last
// read (see probed.fundingMark).
const fundingMarkName = "repo/funding"

// noteRename records under which name GitHub serves the watched repository
// name (fullName, from its answer): another one when it was renamed or
// transferred and the request followed GitHub's redirect. It returns the
// name to ask further questions by.
func noteRename(ctx context.Context, env *Env, name ghrepo.Name, fullName string) (ghrepo.Name, error) {
	current, renamedTo := name, ""
	if n, err := ghrepo.Parse(fullName); err == nil && !strings.EqualFold(fullName, name.String()) {
		current, renamedTo = n, n.String()
	}
	prev, err := env.Store.RepoStateOf(ctx, name.String())
	if err != nil {
		return name, err
	}
	if prev.RenamedTo == renamedTo {
		return current, nil
	}
	if renamedTo != "" {
		env.Log.Info("repository renamed or transferred; following it, still reporting it under the watched name",
			"repo", name.String(), "new_name", renamedTo)
	} else {
		env.Log.Info("repository is served under its watched name again", "repo", name.String(), "was", prev.RenamedTo)
	}
	return current, env.Store.SetRepoRenamed(ctx, name.String(), renamedTo)
}

// fundingFile returns the raw FUNDING.yml, or found=false when the
// repository has none. With git mirrors it is read from the repository's
// mirror, fetched first (no API quota); should that fail, from the API.
func fundingFile(ctx context.Context, env *Env, name ghrepo.Name) (content string, found bool, err error) {
	if env.Git != nil && env.CloneURL != nil {
		content, found, err := fundingFileOverGit(ctx, env, name)
		if err == nil {
			return content, found, nil
		}
		if ctx.Err() != nil {
			return "", false, err
		}
		env.Log.Debug("reading FUNDING.yml over git failed; asking the API", "repo", name.String(), "err", err)
	}
	f, resp, err := ghclient.Call(ctx, env.GH, ghclient.Req{What: "contents"}, func(ctx context.Context) (*github.RepositoryContent, *github.Response, error) {
		f, _, resp, err := env.GH.Repositories.GetContents(ctx, name.Owner, name.Repo, fundingPath, nil)
		return f, resp, err
	})
	if ghclient.StatusOf(resp) == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if f == nil {
		return "", false, errors.New("is a directory, not a file")
	}
	s, err := f.GetContent()
	if err != nil {
		return "", false, err
	}
	return s, true, nil
}

func fundingFileOverGit(ctx context.Context, env *Env, name ghrepo.Name) (string, bool, error) {
	m, err := syncMirror(ctx, env, name)
	if err != nil {
		return "", false, err
	}
	return m.ReadFile(ctx, fundingPath)
}
