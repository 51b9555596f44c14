package githubfake

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// worldIndex holds the horizon-independent lookups, built once in New so
// that neither SetHorizon nor a page request re-sorts the world.
type worldIndex struct {
	world        *scenario.World
	users        map[string]*scenario.User // by lower-case login: logins are case-insensitive
	repos        []*repoIndex              // owner/name ascending
	repoByName   map[string]*repoIndex     // by lower-case "owner/name"
	reposByOwner map[string][]*repoIndex   // by lower-case owner, full_name ascending
}

type repoIndex struct {
	pos  int // index in worldIndex.repos and snapshot.repos
	repo *scenario.Repo
	// commits in committer-date order (ties keep scenario order), so the
	// commits visible at a horizon are a prefix and since/until are binary
	// searches. They are copies of the scenario's, with SHA and Parents
	// rewritten to git object IDs (githistory.go).
	commits []*scenario.Commit
	git     repoGit
	shaPos  map[string]int
	// comments by creation (then id), so visible comments are a prefix.
	comments []*scenario.Comment
	// releases that are not drafts, oldest first by creation.
	releases []*scenario.Release
	// tagSHA is the commit each release's tag points at: the last commit
	// made before the release was created.
	tagSHA map[int64]string
}

func newWorldIndex(w *scenario.World) *worldIndex {
	idx := &worldIndex{
		world:        w,
		users:        make(map[string]*scenario.User, len(w.Users)),
		repoByName:   make(map[string]*repoIndex, len(w.Repos)),
		reposByOwner: map[string][]*repoIndex{},
	}
	for login, u := range w.Users {
		if u.Login == "" {
			u = &scenario.User{Login: login, ID: u.ID, Type: u.Type, CreatedAt: u.CreatedAt}
		}
		idx.users[strings.ToLower(login)] = u
	}
	repos := slices.Clone(w.Repos)
	slices.SortStableFunc(repos, func(a, b *scenario.Repo) int {
		return cmp.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
	})
	for i, r := range repos {
		ri := indexRepo(i, r)
		idx.repos = append(idx.repos, ri)
		idx.repoByName[strings.ToLower(r.FullName())] = ri
		owner := strings.ToLower(r.Owner)
		idx.reposByOwner[owner] = append(idx.reposByOwner[owner], ri)
	}
	return idx
}

func indexRepo(pos int, r *scenario.Repo) *repoIndex {
	ri := &repoIndex{pos: pos, repo: r, shaPos: make(map[string]int, len(r.Commits)), tagSHA: map[int64]string{}}
	ri.git = newRepoGit(r)
	ri.commits = gitHistory(r, ri.git) // copies named by their git IDs (githistory.go)
	for i, c := range ri.commits {
		ri.shaPos[c.SHA] = i
	}
	ri.comments = make([]*scenario.Comment, len(r.Comments))
	for i := range r.Comments {
		ri.comments[i] = &r.Comments[i]
	}
	slices.SortStableFunc(ri.comments, func(a, b *scenario.Comment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for i := range r.Releases {
		rel := &r.Releases[i]
		if rel.Draft {
			// Drafts are only visible to collaborators with push access;
			// collectors never are.
			continue
		}
		ri.releases = append(ri.releases, rel)
		if n := ri.commitsUntil(rel.CreatedAt); n > 0 {
			ri.tagSHA[rel.ID] = ri.commits[n-1].SHA
		} else if len(ri.commits) > 0 {
			ri.tagSHA[rel.ID] = ri.commits[0].SHA
		}
	}
	slices.SortStableFunc(ri.releases, func(a, b *scenario.Release) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ri
}

// commitsUntil is the number of commits with committer date <= t.
func (ri *repoIndex) commitsUntil(t time.Time) int {
	return sort.Search(len(ri.commits), func(i int) bool { return ri.commits[i].CommitterDate.After(t) })
}

// commitsBefore is the number of commits with committer date < t.
func (ri *repoIndex) commitsBefore(t time.Time) int {
	return sort.Search(len(ri.commits), func(i int) bool { return !ri.commits[i].CommitterDate.Before(t) })
}

// releaseTime is when a release became public.
func releaseTime(rel *scenario.Release) time.Time {
	if !rel.PublishedAt.IsZero() {
		return rel.PublishedAt
	}
	return rel.CreatedAt
}

// snapshot is the world as GitHub would have shown it at horizon. It is
// immutable once built; SetHorizon swaps in a new one.
type snapshot struct {
	horizon time.Time
	repos   []*repoView // parallel to worldIndex.repos
}

// Issue list orderings precomputed per snapshot: kind × state × sort, all
// ascending; a request picks one and reads it forwards or backwards.
const (
	kindAll   = iota // /issues: issues and pull requests
	kindPulls        // /pulls
	numKinds
)

const (
	stateOpen = iota
	stateClosed
	stateAll
	numStates
)

const (
	sortCreated = iota
	sortUpdated
	sortComments
	numSorts
)

type repoView struct {
	ri         *repoIndex
	visible    bool // created at or before the horizon
	nCommits   int  // ri.commits[:nCommits] are visible
	pushedAt   time.Time
	updatedAt  time.Time
	archived   bool
	openIssues int // open issues + open pull requests, as GitHub counts

	issues []*issueView // visible, by number
	lists  [numKinds][numStates][numSorts][]*issueView

	comments          []*commentView // visible, by creation
	commentsByUpdated []*commentView
	releases          []*scenario.Release // visible, oldest first

	contributors     []contributor // linked authors, most commits first
	anonContributors []contributor // linked and anonymous, most commits first
	// committers and maintainers are lower-case logins, for author_association.
	committers  map[string]bool
	maintainers map[string]bool
}

type issueView struct {
	is        *scenario.Issue
	state     string
	closedAt  time.Time // zero while open at the horizon
	mergedAt  time.Time
	updatedAt time.Time
	comments  int
}

type commentView struct {
	c *scenario.Comment
	// updatedAt is the comment's UpdatedAt if that edit had happened by the
	// horizon, else its CreatedAt.
	updatedAt time.Time
}

type contributor struct {
	login string // "" for an anonymous (unlinked) author
	email string
	name  string
	n     int
}

func (idx *worldIndex) snapshotAt(h time.Time) *snapshot {
	s := &snapshot{horizon: h, repos: make([]*repoView, len(idx.repos))}
	for i, ri := range idx.repos {
		s.repos[i] = ri.viewAt(h)
	}
	return s
}

func (ri *repoIndex) viewAt(h time.Time) *repoView {
	r := ri.repo
	v := &repoView{ri: ri, visible: atOrBefore(r.CreatedAt, h)}
	v.nCommits = ri.commitsUntil(h)
	v.pushedAt = r.CreatedAt
	if v.nCommits > 0 {
		v.pushedAt = maxTime(r.CreatedAt, ri.commits[v.nCommits-1].CommitterDate)
	}
	v.archived = r.Archived && atOrBefore(r.ArchivedAt, h)
	v.updatedAt = v.pushedAt
	if v.archived {
		v.updatedAt = maxTime(v.updatedAt, r.ArchivedAt)
	}

	// Comments visible at h, and per issue their count and last activity.
	nComments := sort.Search(len(ri.comments), func(i int) bool { return ri.comments[i].CreatedAt.After(h) })
	v.comments = make([]*commentView, nComments)
	type activity struct {
		n    int
		last time.Time
	}
	perIssue := map[int]*activity{}
	for i, c := range ri.comments[:nComments] {
		cv := &commentView{c: c, updatedAt: c.CreatedAt}
		if c.UpdatedAt.After(c.CreatedAt) && atOrBefore(c.UpdatedAt, h) {
			cv.updatedAt = c.UpdatedAt
		}
		v.comments[i] = cv
		a := perIssue[c.IssueNumber]
		if a == nil {
			a = &activity{}
			perIssue[c.IssueNumber] = a
		}
		a.n++
		a.last = maxTime(a.last, cv.updatedAt)
	}
	v.commentsByUpdated = slices.Clone(v.comments)
	slices.SortStableFunc(v.commentsByUpdated, func(a, b *commentView) int {
		return a.updatedAt.Compare(b.updatedAt)
	})

	v.maintainers = map[string]bool{}
	for i := range r.Issues {
		is := &r.Issues[i]
		if !atOrBefore(is.CreatedAt, h) {
			continue
		}
		iv := &issueView{is: is, state: "open"}
		if is.IsPull && !is.MergedAt.IsZero() && atOrBefore(is.MergedAt, h) {
			iv.mergedAt = is.MergedAt
			iv.closedAt = is.MergedAt
			if is.MergedBy != "" {
				v.maintainers[strings.ToLower(is.MergedBy)] = true
			}
		}
		if !is.ClosedAt.IsZero() && atOrBefore(is.ClosedAt, h) {
			iv.closedAt = is.ClosedAt
			if is.ClosedBy != "" && is.ClosedBy != is.User {
				v.maintainers[strings.ToLower(is.ClosedBy)] = true
			}
		}
		if !iv.closedAt.IsZero() {
			iv.state = "closed"
		} else {
			v.openIssues++
		}
		iv.updatedAt = maxTime(is.CreatedAt, iv.closedAt, iv.mergedAt)
		if a := perIssue[is.Number]; a != nil {
			iv.comments = a.n
			iv.updatedAt = maxTime(iv.updatedAt, a.last)
		}
		v.issues = append(v.issues, iv)
	}
	slices.SortStableFunc(v.issues, func(a, b *issueView) int { return cmp.Compare(a.is.Number, b.is.Number) })
	v.buildIssueLists()

	nRel := sort.Search(len(ri.releases), func(i int) bool { return ri.releases[i].CreatedAt.After(h) })
	for _, rel := range ri.releases[:nRel] {
		if atOrBefore(releaseTime(rel), h) {
			v.releases = append(v.releases, rel)
		}
	}

	v.buildContributors()
	return v
}

func (v *repoView) buildIssueLists() {
	keys := [numSorts]func(a, b *issueView) int{
		sortCreated: func(a, b *issueView) int {
			if c := a.is.CreatedAt.Compare(b.is.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.is.Number, b.is.Number)
		},
		sortUpdated: func(a, b *issueView) int {
			if c := a.updatedAt.Compare(b.updatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.is.Number, b.is.Number)
		},
		sortComments: func(a, b *issueView) int {
			if c := cmp.Compare(a.comments, b.comments); c != 0 {
				return c
			}
			return cmp.Compare(a.is.Number, b.is.Number)
		},
	}
	for kind := range numKinds {
		for state := range numStates {
			var base []*issueView
			for _, iv := range v.issues {
				if kind == kindPulls && !iv.is.IsPull {
					continue
				}
				if (state == stateOpen && iv.state != "open") || (state == stateClosed && iv.state != "closed") {
					continue
				}
				base = append(base, iv)
			}
			for sk := range numSorts {
				l := slices.Clone(base)
				slices.SortStableFunc(l, keys[sk])
				v.lists[kind][state][sk] = l
			}
		}
	}
}

func (v *repoView) buildContributors() {
	type agg struct{ contributor }
	linked := map[string]*agg{}
	anon := map[string]*agg{}
	v.committers = map[string]bool{}
	for _, c := range v.ri.commits[:v.nCommits] {
		if c.AuthorLogin != "" {
			k := strings.ToLower(c.AuthorLogin)
			v.committers[k] = true
			a := linked[k]
			if a == nil {
				a = &agg{contributor{login: c.AuthorLogin}}
				linked[k] = a
			}
			a.n++
			continue
		}
		k := strings.ToLower(c.AuthorEmail)
		a := anon[k]
		if a == nil {
			a = &agg{contributor{email: c.AuthorEmail}}
			anon[k] = a
		}
		a.name = c.AuthorName // the most recent name wins, as on GitHub
		a.n++
	}
	order := func(a, b contributor) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.login+a.email), strings.ToLower(b.login+b.email))
	}
	for _, a := range linked {
		v.contributors = append(v.contributors, a.contributor)
	}
	slices.SortFunc(v.contributors, order)
	v.anonContributors = slices.Clone(v.contributors)
	for _, a := range anon {
		v.anonContributors = append(v.anonContributors, a.contributor)
	}
	slices.SortFunc(v.anonContributors, order)
}

// repo looks a repository up case-insensitively, as GitHub does; it is nil
// when unknown or not yet created at the horizon.
func (c *reqCtx) repo() *repoView {
	ri := c.idx.repoByName[strings.ToLower(c.params["owner"]+"/"+c.params["repo"])]
	if ri == nil {
		return nil
	}
	v := c.snap.repos[ri.pos]
	if !v.visible {
		return nil
	}
	return v
}
